"""A reply filed from the mailbox proposes "responded"; an automatic reply only "acknowledged"."""

import sqlalchemy as sa

from app.extensions import db
from app.responses.models import StatusEvent, StatusKind
from tests.inbound.conftest import reply_to
from tests.inbound.mime import message
from tests.inbound.test_filing import filed


def _response_events():
    query = sa.select(StatusEvent).where(StatusEvent.response_id.is_not(None))
    return db.session.scalars(query).all()


def test_a_filed_reply_proposes_a_private_responded_event_on_its_delivery(sent):
    inbound = filed(message(body="We have considered your petition.", To=reply_to(sent)))
    [event] = _response_events()
    assert (event.kind, event.delivery_id, event.response_id) == (
        StatusKind.RESPONDED,
        sent.id,
        inbound.response.id,
    )
    assert event.is_proposed and not event.is_public


def test_a_filed_automatic_reply_proposes_acknowledged_never_responded(sent):
    inbound = filed(message(body="I am away", To=reply_to(sent), Auto_Submitted="auto-replied"))
    assert inbound.response is not None
    [event] = _response_events()
    assert (event.kind, event.delivery_id, event.response_id) == (
        StatusKind.ACKNOWLEDGED,
        sent.id,
        inbound.response.id,
    )
    assert event.is_proposed and not event.is_public
