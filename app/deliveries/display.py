"""What the delivery pages and the API show: the actions a person may take, contact data kept back."""

from flask_babel import lazy_gettext as _l

from app.deliveries.models import ActorKind, DeliveryStatus
from app.deliveries.planning import WORKER_STATES
from app.deliveries.states import ALLOWED

S = DeliveryStatus
HIDDEN = "[…]"

ACTION_LABELS = {
    S.QUEUED: _l("Queue for sending"),
    S.CANCELLED: _l("Cancel"),
    S.SENT: _l("Mark as sent"),
    S.DELIVERED: _l("Mark as delivered"),
    S.FAILED: _l("Mark as failed"),
    S.BOUNCED: _l("Mark as bounced"),
}
#: From a state where it did not (or may not have) arrived, queueing again sends it again.
SEND_AGAIN = _l("Send again")
ACTOR_LABELS = {
    ActorKind.STAFF: _l("staff"),
    ActorKind.WORKER: _l("worker"),
    ActorKind.PARTNER: _l("partner"),
}


def actions(delivery):
    """(state, label) for every move a person may make from the delivery's state, in order."""
    allowed = [s for s in S if s in ALLOWED[delivery.status] and s not in WORKER_STATES]
    return [
        (s, SEND_AGAIN if s == S.QUEUED and delivery.status != S.PLANNED else ACTION_LABELS[s])
        for s in allowed
    ]


def contact_values(delivery):
    recipient = delivery.recipient
    values = [delivery.destination, *(recipient.emails or []), recipient.fax]
    values += [recipient.contact_email, recipient.contact_phone, recipient.contact_name]
    return sorted({v.strip() for v in values if isinstance(v, str) and v.strip()}, key=len, reverse=True)


def redact(text, delivery, show_contact):
    """`text` as it may be shown: the recipient's addresses and numbers hidden from viewers."""
    if show_contact or not text:
        return text or ""
    for value in contact_values(delivery):
        text = text.replace(value, HIDDEN)
    return text


def actor_name(event):
    """The person by name, or the worker or the partner."""
    if event.actor is not None:
        return event.actor.name or event.actor.email
    return str(ACTOR_LABELS[event.actor_kind])
