"""Deliveries propose their timeline events: a delivery that becomes delivered proposes "delivered".

Registered as a session hook so that every way a delivery reaches "delivered" (the email worker, a
delivery status notification, a staff record, the partner) proposes the event without each having to.
"""

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.core.timeutil import utcnow
from app.deliveries.models import Delivery, DeliveryStatus
from app.extensions import db
from app.responses.models import StatusEvent, StatusKind


def _became_delivered(delivery):
    if delivery.status != DeliveryStatus.DELIVERED:
        return False
    return bool(sa.inspect(delivery).attrs.status.history.added)


def _already_proposed(session, delivery):
    if delivery.id is None:
        return False
    query = sa.select(StatusEvent.id).where(
        StatusEvent.delivery_id == delivery.id, StatusEvent.kind == StatusKind.DELIVERED
    )
    return session.scalar(query.limit(1)) is not None


def _propose_delivered(session, flush_context, instances):
    with session.no_autoflush:
        for obj in list(session.new) + list(session.dirty):
            if not isinstance(obj, Delivery) or not _became_delivered(obj):
                continue
            if _already_proposed(session, obj) or obj.letter is None:
                continue
            moment = obj.delivered_at or obj.sent_at
            session.add(
                StatusEvent(
                    campaign_id=obj.letter.campaign_id,
                    letter=obj.letter,
                    delivery=obj,
                    kind=StatusKind.DELIVERED,
                    occurred_on=(moment.date() if moment else None) or utcnow().date(),
                    is_public=False,
                    is_proposed=True,
                )
            )


def register():
    if not sa_event.contains(Session, "before_flush", _propose_delivered):
        sa_event.listen(Session, "before_flush", _propose_delivered)


def propose_for_response(response, delivery=None):
    """A response proposes its event: "registered" (with its number) for a registration, "responded"
    for any other answer; an automatic reply proposes nothing. With `delivery`, the event is that
    further delivery's (one reply answering several). Flushes."""
    from app.responses.models import ResponseClassification
    from app.timeline.services import propose_event

    if response.classification == ResponseClassification.AUTOMATIC_REPLY:
        return None
    registration = response.classification == ResponseClassification.REGISTRATION
    db.session.add(response)
    db.session.flush()
    delivery = delivery or response.delivery
    return propose_event(
        delivery.letter if delivery is not None else response.letter,
        StatusKind.REGISTERED if registration else StatusKind.RESPONDED,
        response.received_on,
        delivery=delivery,
        response=response,
        reference=response.reference if registration else "",
    )
