"""The delivery state machine: which changes are allowed, and the record each one leaves."""

from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import Conflict
from app.core.timeutil import utcnow
from app.deliveries.models import ActorKind, DeliveryEvent, DeliveryStatus

S = DeliveryStatus

#: From each state, the states it may move to.
ALLOWED = {
    S.PLANNED: {S.QUEUED, S.CANCELLED},
    S.QUEUED: {S.SENDING, S.SENT, S.DELIVERED, S.FAILED, S.CANCELLED},
    S.SENDING: {S.QUEUED, S.SENT, S.FAILED, S.UNCONFIRMED},
    S.SENT: {S.DELIVERED, S.BOUNCED, S.FAILED},
    S.DELIVERED: {S.BOUNCED},
    S.FAILED: {S.QUEUED, S.CANCELLED},
    S.BOUNCED: {S.QUEUED, S.CANCELLED},
    S.UNCONFIRMED: {S.SENT, S.DELIVERED, S.QUEUED, S.FAILED, S.CANCELLED},
    S.CANCELLED: set(),
}

#: States in which the letter reached, or may have reached, the recipient.
REACHED = (S.SENT, S.DELIVERED, S.UNCONFIRMED)
#: States from which nothing more happens by itself.
FINAL = (S.DELIVERED, S.CANCELLED)


class TransitionRefused(Conflict):
    code = "transition_refused"


def can_move(delivery, status):
    return S(status) in ALLOWED[delivery.status]


def move(delivery, status, actor=None, detail="", actor_kind=None):
    """Move `delivery` to `status` and record the change; raise TransitionRefused if not allowed."""
    status = S(status)
    if not can_move(delivery, status):
        raise TransitionRefused(
            _l(
                "A delivery that is %(current)s cannot become %(wanted)s.",
                current=str(delivery.status),
                wanted=str(status),
            ),
            fields={"to": _l("Not allowed from the current state.")},
        )
    kind = actor_kind or (ActorKind.STAFF if actor is not None else ActorKind.WORKER)
    event = DeliveryEvent(
        from_status=delivery.status,
        to_status=status,
        actor_kind=kind,
        actor_id=getattr(actor, "id", None),
        attempt=delivery.attempts or 0,
        detail=detail or "",
        created_at=utcnow(),
    )
    before = str(delivery.status)
    delivery.events.append(event)
    delivery.status = status
    audit.record(
        "delivery.status",
        delivery,
        actor=actor,
        kind="staff" if kind == ActorKind.STAFF and actor is not None else "worker",
        before={"status": before},
        after={"status": str(status)},
        **({"detail": detail} if detail else {}),
    )
    return event
