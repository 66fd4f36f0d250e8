"""The deliveries API: plan one or a batch, move through states, read history; as the document says."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.deliveries.models import Delivery
from app.letters.models import LetterStatus
from app.models import Response
from app.responses.models import ResponseChannel
from tests.factories import RecipientFactory


def _plan(api, letter, recipient, **extra):
    body = {"recipient_id": recipient.id, "channel": "email", "language": "en", **extra}
    return api.post(f"/letters/{letter.id}/deliveries", json=body)


def test_post_plans_a_delivery_and_get_reads_it_back(api, db, letter, embassy):
    response = _plan(api, letter, embassy, language="both")
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/deliveries/{body['id']}"
    assert (body["status"], body["channel"], body["language"], body["version"]) == (
        "planned",
        "email",
        "both",
        1,
    )
    assert body["destination"] == "consular@embassy.example" and body["document_id"] is None
    assert [e["to"] for e in body["history"]] == ["planned"] and body["history"][0]["actor"] == api.user.name
    assert body["allowed_transitions"] == ["queued", "cancelled"]
    assert api.get(f"/deliveries/{body['id']}").get_json() == body


def test_queue_through_the_api_fixes_the_document_and_its_hash(api, db, letter, office):
    created = _plan(api, letter, office, channel="post").get_json()
    queued = api.post(
        f"/deliveries/{created['id']}/transitions", json={"to": "queued", "detail": "to the post office"}
    )
    assert queued.status_code == 200
    body = queued.get_json()
    assert body["status"] == "queued" and body["history"][-1]["detail"] == "to the post office"
    delivery = db.session.get(Delivery, created["id"])
    assert body["document_id"] == delivery.document.token
    assert body["document_sha256"] == delivery.document.sha256  # rendered inline in eager mode
    assert body["document_url"].endswith(f"/documents/{delivery.document.token}.pdf")


def test_a_transition_the_state_machine_forbids_is_a_409_and_an_unknown_state_a_422(api, db, letter, embassy):
    created = _plan(api, letter, embassy).get_json()
    refused = api.post(f"/deliveries/{created['id']}/transitions", json={"to": "delivered"})
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "transition_refused" and "cannot become delivered" in error["message"]
    assert "to" in error["fields"]
    worker_only = api.post(f"/deliveries/{created['id']}/transitions", json={"to": "sending"})
    assert worker_only.status_code == 409
    unknown = api.post(f"/deliveries/{created['id']}/transitions", json={"to": "teleported"})
    assert unknown.status_code == 422 and "to" in unknown.get_json()["error"]["fields"]
    assert api.get(f"/deliveries/{created['id']}").get_json()["status"] == "planned"


def test_history_through_the_api_names_each_change_in_order(api, db, letter, office):
    created = _plan(api, letter, office, channel="hand").get_json()
    for to in ("queued", "sent", "delivered", "bounced", "queued", "cancelled"):
        assert api.post(f"/deliveries/{created['id']}/transitions", json={"to": to}).status_code == 200
    history = api.get(f"/deliveries/{created['id']}").get_json()["history"]
    assert [(e["from"], e["to"]) for e in history] == [
        (None, "planned"),
        ("planned", "queued"),
        ("queued", "sent"),
        ("sent", "delivered"),
        ("delivered", "bounced"),
        ("bounced", "queued"),
        ("queued", "cancelled"),
    ]
    assert {e["actor_kind"] for e in history} == {"staff"}


@pytest.mark.parametrize(
    ("changes", "body", "status", "field"),
    [
        ({"emails": []}, {}, 422, "channel"),
        ({"emails": ["nope"]}, {}, 422, "channel"),
        ({"fax": ""}, {"channel": "fax"}, 422, "channel"),
        ({"address_en": ""}, {"channel": "post"}, 422, "channel"),
        ({"portal_url": ""}, {"channel": "portal"}, 422, "channel"),
        ({}, {"send_at": "2020-01-01T00:00:00Z"}, 422, "send_at"),
        ({}, {"channel": "pigeon"}, 422, "channel"),
        ({}, {"language": "fr"}, 422, "language"),
    ],
)
def test_bad_plans_are_refused_with_a_json_error_naming_the_input(
    api, db, letter, embassy, changes, body, status, field
):
    for key, value in changes.items():
        setattr(embassy, key, value)
    db.session.commit()
    response = _plan(api, letter, embassy, **body)
    assert response.status_code == status
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == 0


def test_a_draft_letter_and_an_unknown_recipient_are_refused(api, db, letter, embassy):
    assert (
        api.post(
            f"/letters/{letter.id}/deliveries",
            json={"recipient_id": 999999, "channel": "email", "language": "en"},
        ).status_code
        == 422
    )
    letter.status = LetterStatus.ARCHIVED
    db.session.commit()
    refused = _plan(api, letter, embassy)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "letter_not_deliverable"
    assert (
        api.post(
            "/letters/999999/deliveries",
            json={"recipient_id": embassy.id, "channel": "email", "language": "en"},
        ).status_code
        == 404
    )


def test_a_second_delivery_needs_resend_true_and_records_it(api, db, letter, embassy):
    assert _plan(api, letter, embassy).status_code == 201
    again = _plan(api, letter, embassy, channel="fax")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_delivered"
    confirmed = _plan(api, letter, embassy, channel="fax", resend=True)
    assert confirmed.status_code == 201 and confirmed.get_json()["is_resend"] is True


def test_a_future_send_time_is_kept(api, db, letter, embassy):
    when = (datetime.now(UTC) + timedelta(hours=3)).replace(microsecond=0)
    body = _plan(api, letter, embassy, send_at=when.isoformat()).get_json()
    assert datetime.fromisoformat(body["send_at"]) == when


def test_list_of_a_letters_deliveries_is_paged(api, db, letter, embassy, office):
    _plan(api, letter, embassy)
    _plan(api, letter, office, channel="post")
    page = api.get(f"/letters/{letter.id}/deliveries").get_json()
    assert (page["total"], page["page"]) == (2, 1) and [d["recipient_id"] for d in page["items"]] == [
        embassy.id,
        office.id,
    ]
    assert api.get(f"/letters/{letter.id}/deliveries?page=2").get_json()["items"] == []


def test_a_batch_plans_all_or_nothing_and_counts_by_state(api, db, letter, embassy, office):
    bad = api.post(
        f"/letters/{letter.id}/delivery-batches",
        json={
            "deliveries": [
                {"recipient_id": embassy.id, "channel": "email", "language": "en"},
                {"recipient_id": office.id, "channel": "email", "language": "en"},
            ]
        },
    )
    assert bad.status_code == 422 and "deliveries.1.channel" in bad.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == 0

    created = api.post(
        f"/letters/{letter.id}/delivery-batches",
        json={
            "note": "Kyiv and Seoul",
            "deliveries": [
                {"recipient_id": embassy.id, "channel": "email", "language": "en"},
                {"recipient_id": office.id, "channel": "post", "language": "ko"},
            ],
        },
    )
    assert created.status_code == 201
    batch = created.get_json()
    assert created.headers["Location"] == f"/api/v1/delivery-batches/{batch['id']}"
    assert (
        batch["counts"]["planned"] == 2
        and batch["counts"]["total"] == 2
        and batch["note"] == "Kyiv and Seoul"
    )
    first = batch["deliveries"][0]["id"]
    api.post(f"/deliveries/{first}/transitions", json={"to": "cancelled"})
    db.session.add(
        Response(
            letter_id=letter.id, delivery_id=first, channel=ResponseChannel.EMAIL, received_on=date.today()
        )
    )
    db.session.commit()
    counts = api.get(f"/delivery-batches/{batch['id']}").get_json()["counts"]
    assert (counts["planned"], counts["cancelled"], counts["answered"]) == (1, 1, 1)
    assert api.get("/delivery-batches/999999").status_code == 404


def test_viewers_read_without_destination_and_cannot_write(api, db, letter, embassy):
    created = _plan(api, letter, embassy).get_json()
    api.as_role("viewer")
    shown = api.get(f"/deliveries/{created['id']}").get_json()
    assert shown["destination"] is None and shown["status"] == "planned"
    assert _plan(api, letter, RecipientFactory(emails=["x@example.org"])).status_code == 403
    assert api.post(f"/deliveries/{created['id']}/transitions", json={"to": "cancelled"}).status_code == 403
    assert api.post(f"/letters/{letter.id}/delivery-batches", json={"deliveries": []}).status_code == 403
    assert api.get(f"/deliveries/{created['id']}", token=None).status_code == 401
