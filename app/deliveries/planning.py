"""Planning deliveries: plan one or a batch, queue with its exact document, cancel, move by hand."""

import logging
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import Conflict, DomainError, ValidationError
from app.core.timeutil import as_utc, utcnow
from app.deliveries.checks import check_destination, check_language, check_letter, check_not_reached
from app.deliveries.models import Channel, Delivery, DeliveryBatch, DeliveryEvent, DeliveryStatus
from app.deliveries.states import TransitionRefused
from app.documents.models import DocumentLanguage
from app.documents.services import current_document
from app.extensions import db

log = logging.getLogger(__name__)

S = DeliveryStatus
#: How far in the past a send time may lie (a form filled in slowly), before it is refused.
PAST_TOLERANCE = timedelta(minutes=1)
#: States only the email worker sets: a person never claims an attempt or leaves it in doubt.
WORKER_STATES = (S.SENDING, S.UNCONFIRMED)


def _channel(value):
    try:
        return Channel(value)
    except ValueError:
        raise ValidationError(
            _l("Choose a channel: %(choices)s.", choices=", ".join(Channel)),
            fields={"channel": _l("Unknown channel.")},
        ) from None


def _language(value):
    try:
        return DocumentLanguage(value)
    except ValueError:
        raise ValidationError(
            _l("The language must be en, ko or both."), fields={"language": _l("Unknown language.")}
        ) from None


def _send_at(value):
    value = as_utc(value)
    if value is not None and value < utcnow() - PAST_TOLERANCE:
        raise ValidationError(
            _l("The send time lies in the past."),
            fields={"send_at": _l("Choose now, or a time in the future.")},
        )
    return value


def plan_delivery(letter, recipient, channel, language, send_at, actor, resend=False, batch=None):
    """A new planned delivery of the letter's current version to `recipient` (flushed)."""
    check_letter(letter)
    channel, language = _channel(channel), _language(language)
    check_language(letter, language)
    destination = check_destination(recipient, channel)
    send_at = _send_at(send_at)
    if not resend:
        check_not_reached(letter, recipient)
    delivery = Delivery(
        letter=letter,
        version_id=letter.current_version.id,
        recipient=recipient,
        batch=batch,
        channel=channel,
        language=language,
        send_at=send_at,
        reply_token=secrets.token_hex(16),
        destination=destination,
        is_resend=bool(resend),
        created_by_id=getattr(actor, "id", None),
    )
    detail = "Planned as a re-send, confirmed by staff." if resend else ""
    delivery.events.append(
        DeliveryEvent(to_status=S.PLANNED, actor_id=getattr(actor, "id", None), detail=detail)
    )
    db.session.add(delivery)
    db.session.flush()
    audit.record(
        "delivery.resend" if resend else "delivery.plan",
        delivery,
        actor=actor,
        recipient_id=recipient.id,
        after={"channel": str(channel), "language": str(language), "status": str(S.PLANNED)},
    )
    log.info("planned delivery %s: letter %s over %s", delivery.id, letter.id, channel)
    return delivery


def plan_batch(letter, items, actor, note=""):
    """A batch of planned deliveries, one per item; every refused item is named, nothing is kept.

    Each item is a dict with recipient, channel, language, send_at and resend. A refusal names
    its input as deliveries.<index>.<field>.
    """
    check_letter(letter)
    batch = DeliveryBatch(letter=letter, created_by_id=getattr(actor, "id", None), note=note or "")
    db.session.add(batch)
    db.session.flush()
    fields, conflicts = {}, []
    for index, item in enumerate(items):
        try:
            with db.session.begin_nested():
                plan_delivery(letter, actor=actor, batch=batch, **item)
        except DomainError as error:
            conflicts.append(isinstance(error, Conflict))
            for key, hint in (error.fields or {"recipient_id": ""}).items():
                fields[f"deliveries.{index}.{key}"] = f"{error.message} {hint}".strip()
    if fields:
        kind = Conflict if all(conflicts) else ValidationError
        raise kind(_l("Some deliveries cannot be planned; nothing was planned."), fields=fields)
    return batch


def queue_delivery(delivery, actor, detail=""):
    """planned -> queued, fixing the recipient's document in the delivery's language (flushed).

    Returns the document; the caller commits, then sends a new or queued document to the pdf
    queue and the delivery to its channel (app.deliveries.queueing).
    """
    if delivery.status == S.PLANNED:
        check_letter(delivery.letter)
        delivery.destination = check_destination(delivery.recipient, delivery.channel)
    delivery.move_to(S.QUEUED, actor=actor, detail=detail)
    if delivery.document_id is None:
        document, _created = current_document(
            delivery.letter, delivery.language, recipient=delivery.recipient
        )
        delivery.document = document
    settle_document(delivery)
    db.session.flush()
    log.info("queued delivery %s with document %s", delivery.id, delivery.document_id)
    return delivery.document


def settle_document(delivery):
    """Copy the document's SHA-256 once it is rendered: the delivery keeps what it sent."""
    document = delivery.document
    if document is not None and document.is_ready and not delivery.document_sha256:
        delivery.document_sha256 = document.sha256


def cancel_delivery(delivery, actor, detail=""):
    return delivery.move_to(S.CANCELLED, actor=actor, detail=detail)


def _stamp(delivery, status, detail):
    """What each state a person sets also records on the delivery."""
    now = utcnow()
    if status == S.SENT and delivery.sent_at is None:
        delivery.sent_at = now
    elif status == S.DELIVERED:
        delivery.delivered_at = delivery.delivered_at or now
        delivery.sent_at = delivery.sent_at or now
    elif status == S.FAILED:
        delivery.failure_reason = delivery.failure_reason or "marked_by_staff"
        delivery.last_error = detail or delivery.last_error


def transition(delivery, to, actor, detail=""):
    """Move a delivery as a person decides; refuse what the state machine forbids (flushed).

    Returns the document when the delivery was queued (the caller sends it after the commit).
    """
    try:
        status = S(to)
    except ValueError:
        raise ValidationError(
            _l("There is no delivery state called %(to)s.", to=to), fields={"to": _l("Unknown state.")}
        ) from None
    if status in WORKER_STATES:
        raise TransitionRefused(
            _l("Only the sending worker puts a delivery in this state."),
            fields={"to": _l("Not a state a person sets.")},
        )
    if status == S.QUEUED:
        return queue_delivery(delivery, actor, detail)
    delivery.move_to(status, actor=actor, detail=detail)
    _stamp(delivery, status, detail)
    settle_document(delivery)
    db.session.flush()
    return None
