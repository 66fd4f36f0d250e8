"""Input that once answered 500 is refused with a 4xx JSON error naming the input."""

import re

import pytest
import sqlalchemy as sa

from app.campaigns.models import Campaign
from app.demo.loader import load_demo
from tests.factories import CampaignFactory, SignatureFactory

TOO_BIG = ("2147483648", "99999999999999999999")


@pytest.fixture
def letter(db):
    campaign, _created = load_demo()
    db.session.commit()
    return campaign.letters[0]


def _api_routes_with_ids(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and "<int:" in rule.rule:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule.rule


def test_ids_beyond_the_integer_range_are_404_in_every_path(app, api):
    api.as_role("admin")
    routes = list(_api_routes_with_ids(app))
    assert len(routes) >= 10
    for method, rule in routes:
        for number in TOO_BIG:
            path = re.sub(r"<int:[a-z_]+>", number, rule)
            response = api.client.open(
                path, method=method, json={}, headers={"Authorization": f"Bearer {api.token}"}
            )
            assert response.status_code == 404, (method, path)
            assert response.get_json()["error"]["code"] == "not_found", (method, path)


def _refused(response, field):
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"], response.get_json()
    return response.get_json()["error"]


def _unreadable(response):
    """Refused before any schema runs: one request-wide check (app.core.hostile_input)."""
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["code"] == "unreadable_input", response.get_json()


def test_a_page_number_past_the_last_possible_page_is_refused_on_every_list(api, letter):
    for path in ("/campaigns", f"/letters/{letter.id}/signatures"):
        _refused(api.get(f"{path}?page=99999999999999999999"), "page")
        _refused(api.get(f"{path}?page=0"), "page")
        _refused(api.get(f"{path}?page=two"), "page")


def test_an_unknown_signature_status_is_refused(api, letter):
    _refused(api.get(f"/letters/{letter.id}/signatures?status=bogus"), "status")


def test_a_recipient_that_is_not_a_plain_number_is_refused(api, letter):
    _refused(api.get(f"/letters/{letter.id}/pdf?recipient=%C2%B2"), "recipient")
    _refused(api.get(f"/letters/{letter.id}/pdf?recipient=99999999999999999999"), "recipient")


@pytest.mark.parametrize("country", [1, [], {}, True])
def test_a_country_that_is_not_text_is_refused(api, letter, country):
    body = {"kind": "individual", "name": {"en": "Han Seo-yeon"}, "country": country}
    _refused(api.post(f"/letters/{letter.id}/signatures", json=body), "country")


def test_a_nul_character_in_any_json_text_is_refused(api, db, letter):
    campaign = CampaignFactory()
    held = SignatureFactory(letter_id=letter.id, version_id=letter.current_version.id, status="held")
    campaigns = sa.select(sa.func.count()).select_from(Campaign)
    before = db.session.scalar(campaigns)
    cases = [
        ("/campaigns", {"slug": "a\x00b", "title": {"en": "T"}}, "slug"),
        ("/campaigns", {"slug": "ok", "title": {"en": "T\x00"}}, "title.en"),
        (f"/campaigns/{campaign.id}/letters", {"title": {"ko": "제목\x00"}}, "title.ko"),
        (f"/campaigns/{campaign.id}/letters", {"title": {"en": "T"}, "body": {"en": "\x00"}}, "body.en"),
        (f"/letters/{letter.id}/signatures", {"kind": "individual", "name": {"en": "N\x00"}}, "name.en"),
        (f"/letters/{letter.id}/signatures", {"kind": "individual\x00", "name": {"en": "N"}}, "kind"),
        (f"/letters/{letter.id}/transitions", {"to": "open\x00"}, "to"),
        (f"/signatures/{held.id}/transitions", {"to": "rejected", "reason": "spam\x00"}, "reason"),
    ]
    for path, body, _field in cases:
        _unreadable(api.post(path, json=body))
    lock = api.get(f"/letters/{letter.id}").get_json()["lock_version"]
    _unreadable(api.patch(f"/letters/{letter.id}", json={"place": {"en": "\x00"}, "lock_version": lock}))
    api.as_role("admin")
    _unreadable(api.post("/privacy/erase", json={"email": "a\x00@example.org"}))
    assert db.session.scalar(campaigns) == before


def test_a_body_that_is_not_a_json_object_is_refused(api):
    for body in ([], "text", 5, None):
        response = api.post("/campaigns", json=body)
        assert response.status_code == 422
        assert response.get_json()["error"]["code"] == "invalid_json"
    broken = api.post("/campaigns", data="{not json", content_type="application/json")
    assert broken.status_code == 422
    assert broken.get_json()["error"]["code"] == "invalid_json"


def test_schema_errors_speak_korean_to_a_korean_caller(api):
    response = api.post(
        "/campaigns", json={"slug": "long", "title": {"en": "x" * 201}}, headers={"Accept-Language": "ko"}
    )
    fields = _refused(response, "title.en")["fields"]
    assert "200" in fields["title.en"] and "자" in fields["title.en"]
    unknown = api.post(
        "/campaigns", json={"slug": "x", "title": {"en": "x"}, "colour": 1}, headers={"Accept-Language": "ko"}
    )
    assert _refused(unknown, "colour")["fields"]["colour"] != "Unknown field."
    page = api.get("/campaigns?page=0", headers={"Accept-Language": "ko"})
    assert _refused(page, "page")["fields"]["page"] == "페이지 번호는 1부터 100000까지입니다."
    nul = api.post(
        "/campaigns", json={"slug": "a\x00", "title": {"en": "T"}}, headers={"Accept-Language": "ko"}
    )
    _unreadable(nul)
    assert "NUL" in nul.get_json()["error"]["message"] and "요청" in nul.get_json()["error"]["message"]


def test_a_lone_surrogate_in_json_text_is_refused(api, letter):
    cases = [
        ("/campaigns", b'{"slug": "ab", "title": {"en": "\\ud800"}}', "title.en"),
        (f"/letters/{letter.id}/signatures", b'{"kind": "individual", "name": {"ko": "\\udfff"}}', "name.ko"),
    ]
    for path, body, _field in cases:
        _unreadable(api.post(path, data=body, content_type="application/json"))
