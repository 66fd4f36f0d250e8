"""The recipients API, every answer checked against the OpenAPI document."""

import sqlalchemy as sa

from app.models import AuditLog, Recipient
from app.recipients.validation import CONTACT_FIELDS
from tests.factories import RecipientFactory

EMBASSY = {
    "kind": "embassy",
    "name": {"en": "Embassy of Ukraine in Korea", "ko": "주한 우크라이나 대사관"},
    "addressee": {"en": "Ambassador of Ukraine", "ko": "주한 우크라이나 대사"},
    "address": {"en": "Embassy of Ukraine\nSeoul\nRepublic of Korea", "ko": "서울특별시\n대한민국"},
    "country": "KR",
    "emails": ["emb_kr@mfa.gov.ua"],
    "fax": "+82 2 790 5696",
    "portal_url": "https://korea.mfa.gov.ua",
    "preferred_language": "ko",
    "tags": ["Ukraine", "Embassy"],
    "notes": "Hand delivery at the front desk.",
    "contact_name": "Consular section",
}


def test_a_created_recipient_reads_back_and_is_found_by_name_tag_and_country(api, db):
    created = api.post("/recipients", json=EMBASSY)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["name"] == EMBASSY["name"] and body["address"] == EMBASSY["address"]
    assert body["emails"] == ["emb_kr@mfa.gov.ua"] and body["tags"] == ["Embassy", "Ukraine"]
    assert body["preferred_language"] == "ko" and body["contact_name"] == "Consular section"
    assert created.headers["Location"].endswith(f"/api/v1/recipients/{body['id']}")
    assert api.get(f"/recipients/{body['id']}").get_json()["fax"] == "+82 2 790 5696"

    RecipientFactory(name_en="Office of the President", country="UA")
    for query in ("q=Embassy", "q=%EB%8C%80%EC%82%AC%EA%B4%80", "tag=ukraine", "country=KR", "kind=embassy"):
        listed = api.get(f"/recipients?{query}").get_json()
        assert [r["id"] for r in listed["items"]] == [body["id"]], query
    assert api.get("/recipients").get_json()["total"] == 2
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "recipient.create"))
    assert entry.actor_id == api.user.id


def test_a_viewer_reads_recipients_without_any_contact_data(api, db):
    recipient = RecipientFactory(emails=["a@example.org"], fax="+380 44 123 4567", contact_name="Ms. Koval")
    api.as_role("viewer")
    one = api.get(f"/recipients/{recipient.id}").get_json()
    listed = api.get("/recipients").get_json()["items"][0]
    for body in (one, listed):
        assert not set(CONTACT_FIELDS) & set(body)
        assert body["name"]["en"] == recipient.name_en
    assert "a@example.org" not in str(one) and "Koval" not in str(listed)


def test_a_viewer_may_not_create_or_change_a_recipient(api, db):
    recipient = RecipientFactory()
    api.as_role("viewer")
    assert api.post("/recipients", json=EMBASSY).status_code == 403
    changed = api.patch(f"/recipients/{recipient.id}", json={"notes": "No."})
    assert changed.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Recipient.id))) == 1
    db.session.refresh(recipient)
    assert recipient.notes == ""


def test_patch_changes_only_the_fields_sent(api, db):
    recipient_id = api.post("/recipients", json=EMBASSY).get_json()["id"]
    answer = api.patch(
        f"/recipients/{recipient_id}", json={"name": {"en": "Embassy of Ukraine"}, "tags": ["UN"]}
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["name"] == {"en": "Embassy of Ukraine", "ko": "주한 우크라이나 대사관"}
    assert body["tags"] == ["UN"] and body["emails"] == EMBASSY["emails"]
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "recipient.update"))
    assert entry is not None


def test_an_unknown_recipient_is_a_json_404(api):
    for answer in (api.get("/recipients/999999"), api.patch("/recipients/999999", json={"notes": "x"})):
        assert answer.status_code == 404
        assert answer.get_json()["error"]["code"] == "not_found"


def test_bad_fields_are_named_by_their_api_names_and_nothing_is_written(api, db):
    answer = api.post(
        "/recipients",
        json={**EMBASSY, "name": {"en": "", "ko": ""}, "emails": ["not-an-address"], "fax": "call us"},
    )
    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert "name" in fields
    answer = api.post("/recipients", json={**EMBASSY, "emails": ["not-an-address"], "fax": "call us"})
    fields = answer.get_json()["error"]["fields"]
    assert answer.status_code == 422 and set(fields) == {"emails", "fax"}
    assert "not-an-address" in fields["emails"]
    assert db.session.scalar(sa.select(sa.func.count(Recipient.id))) == 0


def test_a_second_recipient_of_the_same_name_is_refused_on_name_en(api, db):
    assert api.post("/recipients", json=EMBASSY).status_code == 201
    again = api.post("/recipients", json={**EMBASSY, "name": {"en": "embassy of  Ukraine in KOREA"}})
    assert again.status_code == 422
    assert set(again.get_json()["error"]["fields"]) == {"name.en"}


def test_unknown_fields_and_countries_are_refused(api, db):
    answer = api.post("/recipients", json={**EMBASSY, "country": "XX", "colour": "red"})
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"country", "colour"}
