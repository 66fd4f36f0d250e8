"""Chasers: follow-ups of overdue deliveries, prepared by the daily digest for staff to approve."""

import logging
import secrets
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core import audit
from app.core.timeutil import utcnow
from app.deliveries.covers import cover_values
from app.deliveries.email import sender_address
from app.deliveries.models import Delivery, DeliveryEvent, DeliveryStatus
from app.extensions import db
from app.inbound.matching import reference_tag
from app.letters.models import LetterStatus
from app.responses.display import answers_any
from app.responses.models import Response, StatusEvent, StatusKind
from app.timeline.deadlines import working_days_between
from app.timeline.overview import overdue_answers

log = logging.getLogger(__name__)
S = DeliveryStatus
#: A chaser waiting for staff, or on its way: the body is not chased again meanwhile.
PENDING = (S.PLANNED, S.QUEUED, S.SENDING)


def _langs(delivery):
    return ("en", "ko") if str(delivery.language) == "both" else (str(delivery.language),)


def _coalition():
    name, bare = parseaddr(sender_address(current_app.config))
    return name or bare


def chaser_text(original, days):
    """The follow-up text in the original's language(s), citing its send date and Message-ID."""
    sent = (original.sent_at or original.delivered_at).date().isoformat()
    reference = original.message_id or reference_tag(original)
    texts = []
    for lang in _langs(original):
        values = cover_values(original, lang, "", _coalition())
        with force_locale(lang):
            texts.append(
                _(
                    "Dear %(addressee)s,\n\n"
                    'On %(date)s we sent you our open letter "%(title)s" (reference: %(reference)s). '
                    "We have not yet received an answer, and %(days)d working days have passed.\n\n"
                    "The letter is attached again as it was sent. We would be grateful for your "
                    "answer; you can reply to this email.\n\n"
                    "Respectfully,\n%(coalition)s\n",
                    addressee=values["addressee"],
                    date=sent,
                    title=values["title"],
                    reference=reference,
                    days=days,
                    coalition=values["coalition"],
                )
            )
    return "\n\n---\n\n".join(texts)


def chasers_of(delivery):
    return db.session.scalars(
        sa.select(Delivery).where(Delivery.chaser_of_id == delivery.id).order_by(Delivery.id)
    ).all()


def pending_chasers():
    """Chasers staff have not approved or discarded yet."""
    return db.session.scalars(
        sa.select(Delivery)
        .where(Delivery.chaser_of_id.is_not(None), Delivery.status == S.PLANNED)
        .order_by(Delivery.id)
    ).all()


def _answered(delivery, chasers):
    ids = [delivery.id, *(c.id for c in chasers)]
    return db.session.scalar(sa.select(Response.id).where(answers_any(ids)).limit(1)) is not None


def _letter_closed(letter):
    if letter.status == LetterStatus.ARCHIVED:
        return True
    closed = sa.select(StatusEvent.id).where(
        StatusEvent.letter_id == letter.id,
        StatusEvent.delivery_id.is_(None),
        StatusEvent.kind == StatusKind.CLOSED,
        StatusEvent.is_proposed.is_(False),
    )
    return db.session.scalar(closed.limit(1)) is not None


def _too_soon(delivery, chasers, today):
    """A chaser of this delivery is pending, or the last one is younger than the minimum gap."""
    if any(c.status in PENDING for c in chasers):
        return True
    moments = [c.sent_at or c.created_at for c in chasers]
    if not moments:
        return False
    country = delivery.recipient.country if delivery.recipient else ""
    gap = current_app.config["CHASER_MIN_GAP_WORKING_DAYS"]
    return working_days_between(max(moments).date(), today, country) < gap


def should_chase(delivery, today):
    chasers = chasers_of(delivery)
    if delivery.chaser_of_id is not None or not (delivery.sent_at or delivery.delivered_at):
        return False
    if _letter_closed(delivery.letter) or _answered(delivery, chasers):
        return False
    return not _too_soon(delivery, chasers, today)


def prepare_chaser(original, clock):
    """A planned chaser of `original`: same letter, recipient, channel, language and PDF (flushed)."""
    chaser = Delivery(
        letter=original.letter,
        version_id=original.version_id,
        recipient=original.recipient,
        channel=original.channel,
        language=original.language,
        document_id=original.document_id,
        document_sha256=original.document_sha256,
        reply_token=secrets.token_hex(16),
        destination=original.destination,
        chaser_of_id=original.id,
        chaser_text=chaser_text(original, clock["waited"]),
    )
    detail = f"Chaser of delivery {original.id}, prepared by the daily digest."
    chaser.events.append(DeliveryEvent(to_status=S.PLANNED, detail=detail))
    db.session.add(chaser)
    db.session.flush()
    audit.record("delivery.chaser_prepare", chaser, kind="worker", chaser_of=original.id)
    log.info("prepared chaser %s of delivery %s", chaser.id, original.id)
    return chaser


def _recipients_with_pending_chasers():
    pending = sa.select(Delivery.recipient_id).where(
        Delivery.chaser_of_id.is_not(None), Delivery.status.in_(PENDING)
    )
    return set(db.session.scalars(pending))


def prepare_chasers(today=None):
    """One chaser per overdue delivery that may be chased, at most one per recipient: none to a
    recipient that has a chaser waiting for staff or on its way (flushed)."""
    today = today or utcnow().date()
    prepared, chased = [], _recipients_with_pending_chasers()
    for row in overdue_answers(today):
        delivery = row["delivery"]
        if delivery.recipient_id in chased or not should_chase(delivery, today):
            continue
        prepared.append(prepare_chaser(delivery, row["clock"]))
        chased.add(delivery.recipient_id)
    return prepared
