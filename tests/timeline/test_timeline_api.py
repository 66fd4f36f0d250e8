"""The timeline API: public reads of accepted public events, editors add events; checked by the document."""

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.letters.models import LetterStatus
from app.responses.models import StatusEvent
from app.timeline.services import propose_event
from tests.factories import LetterFactory, RecipientFactory
from tests.helpers import page_text
from tests.timeline.conftest import make_delivery


def _post(api, letter, **body):
    return api.post(
        f"/letters/{letter.id}/events", json={"kind": "registered", "occurred_on": "2025-04-02", **body}
    )


def test_an_editor_adds_an_event_and_the_public_reads_it_without_a_token(api, letter, ministry):
    delivery = make_delivery(letter, ministry, date(2025, 3, 11))
    response = _post(
        api,
        letter,
        reference="2025-1234",
        note={"en": "Registered by the ministry.", "ko": "외교부에 등록되었습니다."},
        is_public=True,
        delivery_id=delivery.id,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (body["kind"], body["reference"], body["note"]["ko"]) == (
        "registered",
        "2025-1234",
        "외교부에 등록되었습니다.",
    )
    timeline = api.get(f"/letters/{letter.id}/timeline", token=None)
    assert timeline.status_code == 200
    assert [e["id"] for e in timeline.get_json()["events"]] == [body["id"]]


def test_the_public_timeline_leaves_out_private_events_and_proposals(api, letter):
    _post(api, letter, is_public=False, reference="private")
    propose_event(letter, "responded", date(2025, 4, 3))
    db.session.commit()
    events = api.get(f"/letters/{letter.id}/timeline", token=None).get_json()["events"]
    assert events == []


def test_an_event_through_the_api_shows_on_the_cached_public_page(api, client, letter):
    assert "Registered" not in page_text(client.get("/c/bring-them-home?lang=en"))
    _post(api, letter, is_public=True, note={"en": "On the record."})
    assert "On the record." in page_text(client.get("/c/bring-them-home?lang=en"))


def test_a_viewer_may_not_add_events_and_a_bad_event_is_refused(api, letter):
    assert _post(api.as_role("viewer"), letter).status_code == 403
    api.as_role("editor")
    refused = _post(api, letter, kind="promised")
    assert refused.status_code == 422 and "kind" in refused.get_json()["error"]["fields"]
    other = LetterFactory(status=LetterStatus.OPEN)
    db.session.commit()
    response = _post(api, letter, delivery_id=make_delivery_for(other).id)
    assert response.status_code == 422 and "delivery_id" in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatusEvent)) == 0


def test_a_draft_or_unknown_letter_has_no_public_timeline(api, db):
    draft = LetterFactory(status=LetterStatus.DRAFT)
    db.session.commit()
    assert api.get(f"/letters/{draft.id}/timeline", token=None).status_code == 404
    assert api.get("/letters/999999/timeline", token=None).status_code == 404


def make_delivery_for(letter):
    return make_delivery(letter, RecipientFactory(), date(2025, 3, 11))
