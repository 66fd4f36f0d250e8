"""The responses API: editors log one, staff read it back (private too), a delivery lists its responses."""

import pytest

from tests.factories import LetterFactory, RecipientFactory
from tests.responses.conftest import deliver, responses

KO = {"Accept-Language": "ko"}


def _body(recipient, delivery=None, **extra):
    return {
        "recipient_id": recipient.id,
        "delivery_id": delivery.id if delivery else None,
        "received_on": "2026-01-15",
        "channel": "official_notice",
        "classification": "registration",
        "summary": {"en": "The petition is registered.", "ko": "청원이 접수되었습니다."},
        "text": "Your petition is registered under number 7/2026.",
        "reference": "7/2026",
        "is_public": False,
        **extra,
    }


def test_an_editor_logs_a_response_and_a_viewer_reads_it_though_private(api, db, letter, ministry, delivery):
    created = api.post(f"/letters/{letter.id}/responses", json=_body(ministry, delivery))
    assert created.status_code == 201
    body = created.get_json()
    assert created.headers["Location"] == f"/api/v1/responses/{body['id']}"
    assert (body["channel"], body["classification"], body["reference"]) == (
        "official_notice",
        "registration",
        "7/2026",
    )
    assert body["summary"] == {"en": "The petition is registered.", "ko": "청원이 접수되었습니다."}
    assert body["delivery_id"] == delivery.id and body["is_public"] is False and body["attachments"] == []
    [stored] = responses(db)
    assert stored.created_by_id == api.user.id
    api.as_role("viewer")
    read = api.get(f"/responses/{body['id']}")
    assert read.status_code == 200 and read.get_json()["text"] == body["text"]
    assert read.get_json()["sender"] is None  # contact data: editors only
    assert api.post(f"/letters/{letter.id}/responses", json=_body(ministry)).status_code == 403


def test_the_delivery_lists_its_responses_oldest_first(api, db, letter, ministry, delivery):
    later = api.post(f"/letters/{letter.id}/responses", json=_body(ministry, delivery)).get_json()
    first = _body(ministry, delivery, received_on="2025-11-20", classification="acknowledgement")
    earlier = api.post(f"/letters/{letter.id}/responses", json=first).get_json()
    api.post(f"/letters/{letter.id}/responses", json=_body(ministry))  # answers no delivery
    listed = api.get(f"/deliveries/{delivery.id}").get_json()["responses"]
    assert [(r["id"], r["received_on"], r["classification"]) for r in listed] == [
        (earlier["id"], "2025-11-20", "acknowledgement"),
        (later["id"], "2026-01-15", "registration"),
    ]
    assert listed[0]["summary"]["ko"] == "청원이 접수되었습니다."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipient_id": 999_999}, "recipient_id"),
        ({"received_on": "2999-12-31"}, "received_on"),
        ({"received_on": "15.01.2026"}, "received_on"),
        ({"channel": "pigeon"}, "channel"),
        ({"classification": None}, "classification"),
        ({"summary": {"en": " ", "ko": ""}}, "summary"),
        ({"summary": {"en": "x" * 2001, "ko": ""}}, "summary.en"),
        ({"reference": "a\nb"}, "reference"),
        ({"delivery_id": 0}, "delivery_id"),
        ({"is_public": "yes please"}, "is_public"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_each_refused_field_is_named_and_nothing_is_stored(api, db, letter, ministry, change, field):
    refused = api.post(f"/letters/{letter.id}/responses", json=_body(ministry, **change))
    assert refused.status_code == 422
    assert field in refused.get_json()["error"]["fields"]
    assert responses(db) == []


def test_a_delivery_of_another_letter_or_recipient_is_refused_in_the_callers_language(
    api, db, letter, ministry
):
    for delivery, message in [
        (deliver(LetterFactory(), ministry), "이 발송은 이 서한의 발송이 아닙니다."),
        (deliver(letter, RecipientFactory()), "이 발송은 다른 수신처로 보내졌습니다."),
    ]:
        refused = api.post(f"/letters/{letter.id}/responses", json=_body(ministry, delivery), headers=KO)
        assert refused.status_code == 422
        assert refused.get_json()["error"]["fields"]["delivery_id"] == message
    assert responses(db) == []


def test_unknown_letters_and_responses_are_404(api, db, ministry):
    assert api.post("/letters/999999/responses", json=_body(ministry)).status_code == 404
    assert api.get("/responses/999999").status_code == 404
