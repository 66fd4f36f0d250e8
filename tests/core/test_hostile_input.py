"""No input gets a 5xx: every GET route walked with hostile input, as a visitor and as an admin."""

import json
from urllib.parse import quote, urlencode

import pytest
import sqlalchemy as sa

from app.auth.services import issue_token
from app.letters.models import LetterStatus
from app.letters.services import freeze_version
from app.models import Campaign
from tests.documents.conftest import document_folder  # noqa: F401  (fixture: PDFs in tmp)
from tests.factories import (
    PASSWORD,
    LetterFactory,
    OutboxMessageFactory,
    RecipientFactory,
    SignatoryFactory,
    SignatureFactory,
    UserFactory,
)
from tests.helpers import csrf_token, log_in, page_text

NUL_MESSAGE = "The request contains characters that cannot be read or stored"
LONG_HOST = "a" * 64 + ".example.org"
#: Every query parameter a page or the API reads, each with a NUL byte.
NUL_QUERY = {name: "x\x00" for name in ("q", "status", "page", "lang", "variant", "next", "email", "kind")}
HUGE_PAGE = "99999999999999999999"


@pytest.fixture
def rows(db):
    """One row of every kind a GET route names by id."""
    letter = LetterFactory(status=LetterStatus.OPEN)
    freeze_version(letter)
    db.session.commit()
    signatory = SignatoryFactory()
    version_id = letter.current_version.id
    signature = SignatureFactory(signatory=signatory, letter_id=letter.id, version_id=version_id)
    return {
        "signature_id": signature.id,
        "campaign_id": letter.campaign.id,
        "letter_id": letter.id,
        "recipient_id": RecipientFactory().id,
        "message_id": OutboxMessageFactory().id,
        "slug": letter.campaign.slug,
        "token": "A" * 22,
        "lang": "en",
        "fmt": "csv",
        "filename": "style.css",
    }


def _value(rows, name):
    """A real row's id where the fixture made one; any other id names a row that may not exist."""
    if name in rows:
        return rows[name]
    assert name.endswith("_id"), f"add a value for <{name}> to the rows fixture"
    return 1


def get_routes(app, rows):
    """(rule, {argument: value}) for every GET route, its ids filled with real rows."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods:
            routes.append((rule, {name: _value(rows, name) for name in rule.arguments}))
    assert len(routes) > 30
    return routes


def _url(app, rule, values, query=None):
    with app.test_request_context():
        from flask import url_for

        url = url_for(rule.endpoint, **values)
    return f"{url}?{urlencode(query)}" if query else url


def hostile_requests(app, rule, values):
    """(label, url, headers) of each hostile request for this route."""
    yield "nul-in-query", _url(app, rule, values, NUL_QUERY), {}
    yield "huge-page", _url(app, rule, values, {"page": HUGE_PAGE}), {}
    yield "long-host", _url(app, rule, values), {"Host": LONG_HOST}
    yield "next-with-crlf", _url(app, rule, values, {"next": "/\r\nSet-Cookie: x=1"}), {}
    for name, value in values.items():
        if isinstance(value, str) and name != "fmt":
            yield f"nul-in-{name}", _url(app, rule, {**values, name: "x\x00y"}), {}


def walk(app, client, rows, headers=None):
    """Every hostile request on every GET route; the ones answered with a 5xx or an exception."""
    failures = []
    for rule, values in get_routes(app, rows):
        for label, url, extra in hostile_requests(app, rule, values):
            try:
                response = client.get(url, headers={**(headers or {}), **extra})
                status = response.status_code
                response.close()
            except Exception as error:  # noqa: BLE001 (an exception is what we look for)
                status = repr(error)
            if not isinstance(status, int) or status >= 500:
                failures.append((rule.rule, label, status))
    return failures


@pytest.fixture
def no_server_name(app, monkeypatch):
    """As in production: no SERVER_NAME, so the routing binds to whatever Host the request names."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)


@pytest.mark.usefixtures("no_server_name")
def test_no_get_route_answers_hostile_input_with_a_5xx_for_a_visitor(app, client, rows):
    assert walk(app, client, rows) == []


@pytest.mark.usefixtures("no_server_name")
def test_no_get_route_answers_hostile_input_with_a_5xx_for_an_admin(app, client, rows, db):
    admin = UserFactory(role="admin")
    token = issue_token(admin)
    db.session.commit()
    assert log_in(client, admin.email, PASSWORD).status_code == 302
    assert walk(app, client, rows, {"Authorization": f"Bearer {token}"}) == []
    assert client.get("/staff/").status_code == 200  # still logged in: the walk was an admin's


def test_nul_byte_in_a_path_gets_a_clear_page(client):
    response = client.get("/c/%00")
    assert response.status_code == 400
    assert NUL_MESSAGE in page_text(response)


def test_nul_byte_under_the_api_gets_the_json_error_shape(client):
    response = client.get("/api/v1/documents/abc%00def")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "unreadable_input" and error["message"].startswith(NUL_MESSAGE)


def test_nul_byte_in_a_campaign_title_is_refused_and_nothing_is_stored(client, auth, db):
    auth.login("editor")
    token = csrf_token(client, "/staff/campaigns/new")
    form = {"csrf_token": token, "slug": "nul-title", "title_en": "Free\x00them", "title_ko": "석방"}
    response = client.post("/staff/campaigns/new", data=form)
    assert response.status_code == 400 and NUL_MESSAGE in page_text(response)
    assert db.session.scalar(sa.select(Campaign).where(Campaign.slug == "nul-title")) is None


def test_nul_byte_in_a_privacy_lookup_is_refused(client, auth):
    auth.login("admin")
    token = csrf_token(client, "/staff/privacy")
    response = client.post("/staff/privacy", data={"csrf_token": token, "email": "kim\x00@example.org"})
    assert response.status_code == 400 and NUL_MESSAGE in page_text(response)


def test_nul_byte_in_the_signature_search_is_refused(client, auth, rows):
    auth.login("viewer")
    response = client.get(f"/staff/letters/{rows['letter_id']}/signatures?q=kim%00")
    assert response.status_code == 400 and NUL_MESSAGE in page_text(response)


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"slug": "nul-api", "title": {"en": "Free\u0000them", "ko": "석방"}}),
        json.dumps({"slug": "nul-api", "title": {"en\u0000": "Free them"}}),
        '{"slug": "nul-api", "title": {"en": "broken \\ud800 half", "ko": "석방"}}',
        "[" * 100_000 + "]" * 100_000,
    ],
    ids=["nul-in-value", "nul-in-key", "lone-surrogate", "nested-too-deep"],
)
def test_unstorable_json_bodies_are_refused_with_the_json_error_shape(client, db, body):
    token = issue_token(UserFactory(role="editor"))
    db.session.commit()
    response = client.post(
        "/api/v1/campaigns",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "unreadable_input"
    assert db.session.scalar(sa.select(Campaign).where(Campaign.slug == "nul-api")) is None


def test_nul_byte_in_the_public_sign_form_is_refused(client, rows):
    url = f"/letters/{rows['letter_id']}/sign"
    token = csrf_token(client, url)
    response = client.post(url, data={"csrf_token": token, "name_en": "Kim\x00", "email": "kim@example.org"})
    assert response.status_code == 400 and NUL_MESSAGE in page_text(response)


def test_a_page_number_past_any_integer_is_an_empty_page_on_staff_lists(client, auth, rows):
    auth.login("admin")
    for path in ("/staff/outbox/", f"/staff/letters/{rows['letter_id']}/signatures"):
        response = client.get(f"{path}?page={HUGE_PAGE}")
        assert response.status_code == 200, path


def test_a_page_number_past_any_integer_is_refused_in_the_api_as_its_document_says(client, db, rows):
    token = issue_token(UserFactory(role="viewer"))
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/api/v1/campaigns", f"/api/v1/letters/{rows['letter_id']}/signatures"):
        response = client.get(f"{path}?page={HUGE_PAGE}", headers=headers)
        assert response.status_code == 422, path
        assert "page" in response.get_json()["error"]["fields"]


@pytest.mark.usefixtures("no_server_name")
def test_a_host_with_a_label_over_63_characters_is_a_clear_400(client):
    response = client.get("/", headers={"Host": LONG_HOST})
    assert response.status_code == 400
    assert "the Host header is not a valid host name" in response.get_data(as_text=True)


def test_a_forwarded_host_over_63_characters_is_refused_behind_a_proxy(database_url, tmp_path, app):
    from app import create_app
    from tests.conftest import test_settings

    proxied = create_app(test_settings(database_url, PROXY_COUNT=1, INSTANCE_PATH=str(tmp_path)))
    try:
        response = proxied.test_client().get("/healthz", headers={"X-Forwarded-Host": LONG_HOST})
        assert response.status_code == 400
        assert (
            proxied.test_client().get("/healthz", headers={"X-Forwarded-Host": "example.org"}).status_code
            == 200
        )
    finally:
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()


@pytest.mark.parametrize(
    "target",
    [
        "/staff/\r\nSet-Cookie: x=1",
        "/staff/\nx",
        "/\\evil.example/",
        "//evil.example/",
        "https://evil.example/",
    ],
    ids=["crlf", "lf", "backslash", "scheme-relative", "absolute"],
)
def test_login_ignores_a_next_that_is_not_a_plain_local_path(client, target):
    user = UserFactory()
    token = csrf_token(client, "/login")
    response = client.post(
        f"/login?next={quote(target)}", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_login_still_follows_a_local_next(client, rows):
    user = UserFactory()
    token = csrf_token(client, "/login")
    target = f"/staff/campaigns/{rows['campaign_id']}?tab=letters"
    response = client.post(
        f"/login?next={quote(target)}", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == target


def test_a_multipart_part_whose_name_a_carriage_return_cut_off_is_no_server_error(client):
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="|\x05\r\xc3\xa6"\r\n\r\n8I\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="file"\r\n\r\nnot a pdf\r\n--XX--\r\n'
    )
    response = client.post(
        "/api/v1/documents/verify", data=body, content_type="multipart/form-data; boundary=XX"
    )
    assert response.status_code < 500 and response.is_json
