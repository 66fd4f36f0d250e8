"""Security headers on every answer; no cache keeps staff pages, contact data or unpublished PDFs."""

import re
from pathlib import Path

import pytest

from app.campaigns.models import CampaignStatus
from app.letters.models import LetterStatus
from app.letters.services import freeze_version
from tests.documents.conftest import document_folder, documents, letter  # noqa: F401  (fixtures)
from tests.factories import CampaignFactory, LetterFactory, SignatoryFactory, SignatureFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"
#: A <script> with a body, an on...= event attribute, a javascript: URL or a style= attribute.
INLINE = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:|\sstyle\s*=", re.I)


def assert_security_headers(response, frame="DENY"):
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == frame
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.fixture
def public_campaign(db):
    campaign = CampaignFactory()
    open_letter = LetterFactory(campaign=campaign, status=LetterStatus.OPEN)
    freeze_version(open_letter)
    db.session.commit()
    version_id = open_letter.current_version.id
    SignatureFactory(signatory=SignatoryFactory(), letter_id=open_letter.id, version_id=version_id)
    return campaign


@pytest.mark.parametrize("path", ["/", "/login", "/verify", "/healthz", "/no-such-page", "/static/style.css"])
def test_public_answers_carry_the_security_headers_and_no_hsts_outside_production(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers
    response.close()


def test_api_answers_and_errors_carry_the_security_headers(client):
    response = client.get("/api/v1/campaigns")
    assert response.status_code == 401
    assert_security_headers(response)


def test_no_template_has_inline_script_event_handlers_or_style_attributes():
    found = {
        str(path.relative_to(TEMPLATES)): INLINE.findall(path.read_text(encoding="utf-8"))
        for path in TEMPLATES.rglob("*.html")
    }
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_pages_as_served_have_no_inline_script_for_the_policy_to_block(client, auth, public_campaign):
    open_letter = public_campaign.letters[0]
    public = [
        client.get("/"),
        client.get(f"/c/{public_campaign.slug}"),
        client.get(f"/letters/{open_letter.id}/sign"),
    ]
    auth.login("admin")
    staff = [
        client.get(path)
        for path in ("/staff/", f"/staff/campaigns/{public_campaign.id}", f"/staff/letters/{open_letter.id}")
        + (f"/staff/letters/{open_letter.id}/signatures", "/staff/privacy", "/staff/outbox/")
    ]
    for response in public + staff:
        assert response.status_code == 200, response.request.path
        assert INLINE.findall(response.get_data(as_text=True)) == [], response.request.path


def test_the_letter_preview_keeps_its_own_stricter_policy_and_may_be_framed_by_our_pages(client, auth):
    auth.login("editor")
    draft = LetterFactory()
    response = client.get(f"/staff/letters/{draft.id}/preview/en")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Cache-Control"] == "no-store"


def test_staff_pages_and_the_login_are_never_stored_by_a_cache(client, auth, public_campaign):
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    auth.login("viewer")
    for path in ("/staff/", f"/staff/campaigns/{public_campaign.id}", "/"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    # Staff see the public page with their session: no cache may hand that copy to a reader.
    assert client.get(f"/c/{public_campaign.slug}").headers["Cache-Control"] == "no-store"


def test_public_campaign_page_stays_cacheable_for_anonymous_readers(client, public_campaign):
    cache_control = client.get(f"/c/{public_campaign.slug}").headers["Cache-Control"]
    assert "public" in cache_control and "no-store" not in cache_control


def test_api_answers_with_contact_data_are_never_stored(api, public_campaign):
    open_letter = public_campaign.letters[0]
    response = api.get(f"/letters/{open_letter.id}/signatures")
    assert response.status_code == 200
    assert "@example.org" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_the_answer_to_a_posted_form_is_never_stored(client):
    response = client.post("/login", data={"email": "someone@example.org", "password": "x"})
    assert response.headers["Cache-Control"] == "no-store"


def test_personal_link_pages_are_never_stored(client):
    assert client.get("/s/confirm/not-a-real-token").headers["Cache-Control"] == "no-store"


def test_a_public_letters_pdf_may_be_cached_but_not_once_it_is_archived(client, db, letter):  # noqa: F811
    response = client.get(f"/letters/{letter.id}/en.pdf")
    assert response.status_code == 200 and "public" in response.headers["Cache-Control"]
    [document] = documents(db)
    permanent = f"/documents/{document.token}.pdf"
    assert "public" in client.get(permanent).headers["Cache-Control"]
    letter.status = LetterStatus.ARCHIVED
    db.session.commit()
    archived = client.get(permanent)
    assert archived.status_code == 200
    assert archived.headers["Cache-Control"] == "no-store"


def test_a_letter_of_an_archived_campaign_is_never_sent_with_a_public_cache_header(client, db, letter):  # noqa: F811
    assert client.get(f"/letters/{letter.id}/en.pdf").status_code == 200
    [document] = documents(db)
    letter.campaign.status = CampaignStatus.ARCHIVED
    db.session.commit()
    response = client.get(f"/documents/{document.token}.pdf")
    assert response.headers["Cache-Control"] == "no-store"


def test_staff_download_of_an_unpublished_letter_is_never_cached(client, db, auth, letter):  # noqa: F811
    letter.status = LetterStatus.DRAFT
    db.session.commit()
    assert client.get(f"/letters/{letter.id}/en.pdf").status_code == 404
    auth.login("viewer")
    response = client.get(f"/letters/{letter.id}/en.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"


def test_production_tells_browsers_to_use_https_only(production_app):
    with production_app.app_context():
        response = production_app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert_security_headers(response)
