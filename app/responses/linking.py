"""One reply answering several deliveries: staff attach a filed response to further ones, or detach it."""

import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import NotFound, ValidationError
from app.deliveries.models import Delivery
from app.extensions import db
from app.responses.models import ResponseDelivery, StatusEvent
from app.timeline.proposals import propose_for_response

log = logging.getLogger(__name__)


def _refusal(response, delivery):
    if delivery is None:
        return _l("There is no delivery with that number.")
    if response.delivery_id is None:
        return _l("Choose the delivery this response answers first (edit the response).")
    if delivery.id in response.delivery_ids:
        return _l("This response answers that delivery already.")
    if response.recipient_id is not None and delivery.recipient_id != response.recipient_id:
        return _l("This delivery went to another recipient.")
    return None


def attach_delivery(response, delivery, actor):
    """`response` answers `delivery` too; its event there is proposed as for its own. Flushes."""
    problem = _refusal(response, delivery)
    if problem:
        raise ValidationError(problem, fields={"delivery_id": problem})
    response.also_answers.append(ResponseDelivery(delivery=delivery, added_by_id=getattr(actor, "id", None)))
    db.session.flush()
    propose_for_response(response, delivery)
    audit.record("response.attach_delivery", response, actor, delivery_id=delivery.id)
    log.info("response %s answers delivery %s too", response.id, delivery.id)
    return response


def detach_delivery(response, delivery_id, actor):
    """`response` no longer answers the further delivery; the events resting on it there go. Flushes."""
    link = db.session.get(ResponseDelivery, (response.id, delivery_id))
    if link is None:
        raise NotFound(_l("This response does not answer that delivery."))
    response.also_answers.remove(link)
    events = db.session.scalars(
        sa.select(StatusEvent).where(
            StatusEvent.response_id == response.id, StatusEvent.delivery_id == delivery_id
        )
    ).all()
    for event in events:
        db.session.delete(event)
    audit.record("response.detach_delivery", response, actor, delivery_id=delivery_id, events=len(events))
    db.session.flush()
    log.info("response %s no longer answers delivery %s", response.id, delivery_id)
    return [event.letter for event in events]


def become_primary(response, delivery):
    """The response moves to `delivery`: a further link to it is dropped, it is the primary now."""
    for link in list(response.also_answers):
        if link.delivery_id == delivery.id:
            response.also_answers.remove(link)


def deliveries_answered(response):
    """The further deliveries of `response`, with their letters and recipients."""
    ids = [link.delivery_id for link in response.also_answers]
    if not ids:
        return []
    return db.session.scalars(sa.select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.id)).all()
