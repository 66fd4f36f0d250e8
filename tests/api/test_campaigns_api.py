"""The campaigns API, every answer checked against the OpenAPI document."""

import sqlalchemy as sa

from app.models import AuditLog, Campaign
from tests.factories import CampaignFactory


def test_created_campaign_can_be_read_back_and_listed(api, db):
    created = api.post(
        "/campaigns",
        json={"slug": "free-will", "title": {"en": "Free will", "ko": "자유의사"}},
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["title"] == {"en": "Free will", "ko": "자유의사"}
    assert created.headers["Location"].endswith(f"/api/v1/campaigns/{body['id']}")

    fetched = api.get(f"/campaigns/{body['id']}")
    assert fetched.get_json()["slug"] == "free-will"
    listed = api.get("/campaigns").get_json()
    assert [c["slug"] for c in listed["items"]] == ["free-will"]
    assert listed["total"] == 1
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "campaign.create"))
    assert entry.actor_id == api.user.id


def test_request_without_token_is_refused_with_json(api):
    response = api.get("/campaigns", token=None)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_unknown_token_is_refused(api):
    assert api.get("/campaigns", token="usg_not-a-real-token").status_code == 401


def test_viewer_may_read_but_not_create(api, db):
    api.as_role("viewer")
    assert api.get("/campaigns").status_code == 200
    response = api.post("/campaigns", json={"slug": "nope", "title": {"en": "No"}})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0


def test_invalid_fields_are_named_and_nothing_is_written(api, db):
    response = api.post("/campaigns", json={"slug": "Not A Slug!", "title": {"en": "", "ko": ""}})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"slug", "title"}
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0


def test_overlong_title_is_refused(api):
    response = api.post("/campaigns", json={"slug": "long", "title": {"en": "x" * 201}})
    assert response.status_code == 422
    assert "title.en" in response.get_json()["error"]["fields"]


def test_wrong_types_are_refused(api):
    assert api.post("/campaigns", json={"slug": 5, "title": {"en": "x"}}).status_code == 422
    assert api.post("/campaigns", json={"slug": "ok", "title": "just a string"}).status_code == 422


def test_body_that_is_not_json_is_refused(api):
    response = api.post("/campaigns", data="slug=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_duplicate_slug_is_a_conflict(api):
    CampaignFactory(slug="taken")
    response = api.post("/campaigns", json={"slug": "taken", "title": {"en": "Again"}})
    assert response.status_code == 409
    assert "slug" in response.get_json()["error"]["fields"]


def test_unknown_campaign_is_a_json_404(api):
    response = api.get("/campaigns/999999")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_errors_speak_the_callers_language(api):
    response = api.get("/campaigns", token=None, headers={"Accept-Language": "ko"})
    assert "API 토큰" in response.get_json()["error"]["message"]
