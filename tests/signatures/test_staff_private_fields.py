"""A signatory's email, contact person and IP hash: editors and admins see them, viewers never."""

import pytest

from app.core.timeutil import utcnow
from app.signatures.models import SignatoryKind, SignatureStatus
from app.signatures.normalize import email_key
from tests.factories import PASSWORD, SignatoryFactory, SignatureFactory, UserFactory
from tests.helpers import log_in, page_text
from tests.signatures.conftest import make_open_letter

EMAIL = "Lee.Quiet@Gmail.com"
CONTACT = "Park Contact-Person"
IP_HASH = "3f" * 32


@pytest.fixture
def quiet(db):
    """An organization that signed a letter, with everything private filled in."""
    letter = make_open_letter()
    signature = SignatureFactory(
        letter_id=letter.id,
        version_id=letter.current_version.id,
        status=SignatureStatus.HELD,
        hold_reason="rate_limit",
        ip_hash=IP_HASH,
        confirmed_at=utcnow(),
        signatory=SignatoryFactory(
            kind=SignatoryKind.ORGANIZATION,
            name_en="Quiet Group",
            email=EMAIL,
            email_key=email_key(EMAIL),
            contact_name=CONTACT,
        ),
    )
    return letter, signature


def pages(client, letter, signature):
    listing = client.get(f"/staff/letters/{letter.id}/signatures")
    detail = client.get(f"/staff/letters/{letter.id}/signatures/{signature.id}")
    assert (listing.status_code, detail.status_code) == (200, 200)
    assert "Quiet Group" in page_text(listing) and "Quiet Group" in page_text(detail)
    return listing.get_data(as_text=True), detail.get_data(as_text=True)


def test_a_viewer_sees_no_email_contact_person_or_ip_hash_in_the_list_or_the_detail(client, auth, quiet):
    letter, signature = quiet
    auth.login("viewer")

    for html in pages(client, letter, signature):
        for private in (EMAIL, "lee.quiet", "gmail", CONTACT, IP_HASH, "Email", "Contact person"):
            assert private not in html, private
    assert "Too many sign-ons from one address" in html  # what a viewer needs is still there


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_see_the_email_contact_person_and_ip_hash(client, auth, quiet, role):
    letter, signature = quiet
    auth.login(role)

    listing, detail = pages(client, letter, signature)

    assert EMAIL in listing
    for private in (EMAIL, CONTACT, IP_HASH):
        assert private in detail, private


@pytest.mark.parametrize("query", ["leequiet@gmail.com", EMAIL, "lee.quiet", "gmail", "Contact-Person"])
def test_a_viewers_search_never_matches_an_email_or_a_contact_person(app, client, auth, quiet, query):
    letter, _signature = quiet
    path = f"/staff/letters/{letter.id}/signatures"
    editor = app.test_client()
    log_in(editor, UserFactory(role="editor").email, PASSWORD)
    assert "Quiet Group" in page_text(editor.get(path, query_string={"q": query}))  # an editor's right
    auth.login("viewer")
    found = page_text(client.get(path, query_string={"q": query}))

    assert "No signatures here." in found and "Quiet Group" not in found
    assert "Quiet Group" in page_text(client.get(path, query_string={"q": "quiet gr"}))
    assert "Name or email" not in found
