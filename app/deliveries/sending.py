"""One attempt at an emailed (or email-to-fax) delivery: claim the row, prepare, converse, record."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app
from markupsafe import escape

from app.core.links import public_url
from app.core.timeutil import utcnow
from app.deliveries.covers import chaser_subject, render_cover
from app.deliveries.email import (
    NoAddress,
    attempt_email,
    destination_for,
    message_id_for,
    sender_address,
)
from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.deliveries.reply_address import reply_address
from app.deliveries.reply_link import with_reply_link
from app.documents import storage
from app.documents.models import Document, DocumentStatus
from app.documents.services import current_document
from app.extensions import db
from app.inbound.matching import reference_tag
from app.mail.compose import fit
from app.mail.models import MailStatus, OutboxMessage

log = logging.getLogger(__name__)
S = DeliveryStatus

#: A document still rendering: look again this soon, without counting an attempt.
DOCUMENT_WAIT = timedelta(seconds=5)


@dataclass
class Attempt:
    """Everything the SMTP conversation needs, read before the claim is committed: plain data."""

    delivery_id: int
    number: int
    token: str
    sender: str
    to: str
    reply_to: str
    cover: tuple
    pdf: bytes
    filename: str
    message_id: str
    language: str
    tag: str = ""  # the reference tag the subject carries


def channels(config):
    """The channels the worker sends itself: email, and fax when a gateway is configured."""
    return (Channel.EMAIL, Channel.FAX) if config["FAX_EMAIL_GATEWAY"] else (Channel.EMAIL,)


def due(now):
    return sa.and_(
        sa.or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
        sa.or_(Delivery.send_at.is_(None), Delivery.send_at <= now),
    )


def claim_delivery(delivery_id):
    """The queued, due delivery, locked (SKIP LOCKED: another worker's is not ours); else None."""
    return db.session.scalar(
        sa.select(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.status == S.QUEUED,
            Delivery.channel.in_(channels(current_app.config)),
            due(utcnow()),
        )
        .with_for_update(skip_locked=True, of=Delivery)
    )


def delivery_document(delivery):
    """The document the delivery sends: its own, else the recipient's current one (flushed)."""
    document = db.session.get(Document, delivery.document_id) if delivery.document_id else None
    if document is None or document.is_withdrawn:
        document, _created = current_document(delivery.letter, delivery.language, delivery.recipient)
        delivery.document_id = document.id
    return document


def wait_for_document(delivery, document):
    """Not rendered yet: ask for it and look again shortly; no attempt is counted."""
    delivery.next_attempt_at = utcnow() + DOCUMENT_WAIT
    delivery.last_error = f"waiting for document {document.id} to be rendered"
    return DOCUMENT_WAIT


def fail(delivery, reason, detail):
    delivery.failure_reason = reason
    delivery.last_error = detail[:2000]
    delivery.move_to(S.FAILED, detail=detail)
    log.error("delivery %s failed (%s): %s", delivery.id, reason, detail)


def start_attempt(delivery, document):
    """Fix the Message-ID and the document's hash, count the attempt, mark it sending (flushed)."""
    config = current_app.config
    destination = destination_for(delivery, config)
    if not delivery.destination and delivery.channel == Channel.EMAIL:
        delivery.destination = destination
    if not delivery.message_id:
        delivery.message_id = message_id_for(delivery, config)
    delivery.document_sha256 = document.sha256
    delivery.attempts += 1
    delivery.claimed_at = utcnow()
    delivery.handed_over_at = None
    delivery.next_attempt_at = None
    delivery.move_to(S.SENDING, detail=f"attempt {delivery.attempts} to {destination}")
    link = public_url("documents.document_pdf", token=document.token)
    sender = sender_address(config)
    return Attempt(
        delivery_id=delivery.id,
        number=delivery.attempts,
        token=delivery.reply_token,
        sender=sender,
        to=destination,
        reply_to=reply_address(delivery.reply_token),
        cover=with_reply_link(_cover(delivery, link, _display_name(sender)), delivery),
        pdf=storage.read(document.token),
        filename=f"letter-{delivery.letter_id}-{delivery.language}.pdf",
        message_id=delivery.message_id,
        language=str(delivery.language),
        tag=reference_tag(delivery),
    )


def _cover(delivery, link, coalition):
    """The cover message; a chaser's is its own follow-up text."""
    if delivery.chaser_of_id is None:
        return render_cover(delivery, link, coalition)
    text = delivery.chaser_text
    html = str(escape(text)).replace("\n", "<br>\n")
    return chaser_subject(delivery), text, html


def _display_name(address):
    name, bare = parseaddr(address)
    return name or bare


def prepare(delivery):
    """Make the claimed delivery ready to send, or settle it; the Attempt, a wait, or None."""
    document = delivery_document(delivery)
    if document.status == DocumentStatus.FAILED:
        fail(delivery, "document_failed", f"document {document.id} could not be rendered: {document.error}")
        return None
    if document.status == DocumentStatus.READY and not storage.has_file(document.token):
        log.error("document %s is ready but its file is missing: rendering it again", document.id)
        document.requeue()
    if document.status != DocumentStatus.READY:
        return wait_for_document(delivery, document)
    try:
        return start_attempt(delivery, document)
    except NoAddress as error:
        fail(delivery, "no_address", str(error))
        return None


def retry_or_fail(delivery, detail, reason="refused", temporary=True):
    """A passing failure waits (backing off) for another attempt; else the delivery fails."""
    config = current_app.config
    delivery.last_error = detail[:2000]
    if not temporary:
        return fail(delivery, reason, detail)
    if delivery.attempts >= config["DELIVERY_MAX_ATTEMPTS"]:
        return fail(delivery, "gave_up", detail)
    wait = min(config["DELIVERY_RETRY_CAP"], config["DELIVERY_RETRY_BASE"] * 2 ** (delivery.attempts - 1))
    delivery.next_attempt_at = utcnow() + timedelta(seconds=wait)
    delivery.move_to(S.QUEUED, detail=f"attempt {delivery.attempts} failed, next in {wait} s: {detail}")
    log.warning(
        "delivery %s: attempt %s failed, next in %s s: %s", delivery.id, delivery.attempts, wait, detail
    )
    return timedelta(seconds=wait)


def keep_in_outbox(delivery, attempt):
    """MAIL_BACKEND=outbox: the message, PDF attached, goes to the local outbox; the delivery is sent."""
    email = attempt_email(attempt, attempt.sender, attempt.to)
    message = OutboxMessage(
        sender=attempt.sender,
        to=attempt.to,
        subject=fit(str(email["Subject"]), 300),
        body_text=attempt.cover[1],
        body_html=attempt.cover[2],
        headers={"Reply-To": attempt.reply_to, "Message-ID": attempt.message_id},
        status=MailStatus.KEPT,
        attempts=1,
        last_attempt_at=utcnow(),
        sent_at=utcnow(),
        attachment_document_id=delivery.document_id,
        attachment_filename=attempt.filename,
    )
    db.session.add(message)
    db.session.flush()
    record_sent(delivery, f"kept in the local outbox as message {message.id}")


def record_sent(delivery, reply):
    delivery.server_reply = reply[:2000]
    delivery.sent_at = utcnow()
    delivery.failure_reason = ""
    delivery.last_error = ""
    delivery.move_to(S.SENT, detail=reply)
    log.info("delivery %s sent: %s", delivery.id, reply)
