"""Every response proposes its timeline event: staff-logged and filed from the mailbox alike."""

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.responses.models import StatusEvent, StatusKind
from tests.responses.test_responses_api import _body


def _events():
    return _db.session.scalars(sa.select(StatusEvent).order_by(StatusEvent.id)).all()


def test_a_logged_registration_proposes_registered_with_its_number(api, db, letter, ministry, delivery):
    created = api.post(f"/letters/{letter.id}/responses", json=_body(ministry, delivery))
    assert created.status_code == 201
    [event] = [e for e in _events() if e.kind == StatusKind.REGISTERED]
    assert (event.reference, event.response_id, event.delivery_id) == (
        "7/2026",
        created.get_json()["id"],
        delivery.id,
    )
    assert event.is_proposed and not event.is_public
    assert not [e for e in _events() if e.kind == StatusKind.RESPONDED]


@pytest.mark.parametrize(
    ("classification", "kind"),
    [("substantive", StatusKind.RESPONDED), ("refusal", StatusKind.RESPONDED), ("automatic_reply", None)],
)
def test_a_logged_answer_proposes_responded_and_an_automatic_reply_nothing(
    api, db, letter, ministry, delivery, classification, kind
):
    body = _body(ministry, delivery, classification=classification, reference="")
    assert api.post(f"/letters/{letter.id}/responses", json=body).status_code == 201
    kinds = [e.kind for e in _events() if e.response_id is not None]
    assert kinds == ([kind] if kind else [])
