"""Staff add a signature collected by email or on paper, from the moderation page."""

import sqlalchemy as sa

from app.core.audit import AuditLog
from app.letters.models import LetterStatus
from app.signatures.models import Display, SignatoryKind, SignatureSource, SignatureStatus
from tests.helpers import page_text
from tests.letters.pages import form_on
from tests.signatures.conftest import public_page, signatures

PAPER = {
    "kind": "organization",
    "name_en": "Transitional Justice Working Group",
    "name_ko": "전환기정의워킹그룹",
    "line": "Seoul-based NGO",
    "country": "KR",
    "email": "",
    "display": "full",
    "consent": "y",
}


def add(client, letter, lang="en", **fields):
    """Fill in the page's "add a signature" form and send it."""
    page = client.get(f"/staff/letters/{letter.id}/signatures", headers={"Accept-Language": lang})
    action, form = form_on(page, class_="stacked add")
    data = {**form, **PAPER, **fields}
    return client.post(
        action, data={k: v for k, v in data.items() if v is not None}, headers={"Accept-Language": lang}
    )


def test_a_signature_added_by_staff_is_approved_at_once_and_listed(client, auth, letter, db):
    editor = auth.login("editor")

    response = add(client, letter)

    assert response.status_code == 302
    [signature] = signatures(letter)
    assert (signature.status, signature.source) == (SignatureStatus.APPROVED, SignatureSource.STAFF)
    signatory = signature.signatory
    assert (
        signatory.kind,
        signatory.name_ko,
        signatory.line_en,
        signatory.display,
        signatory.has_consented,
    ) == (
        SignatoryKind.ORGANIZATION,
        "전환기정의워킹그룹",
        "Seoul-based NGO",
        Display.FULL,
        True,
    )
    page = client.get(response.headers["Location"])
    assert f"Signature #{signature.id} is added and approved." in page_text(page)
    assert "Transitional Justice Working Group" in page_text(public_page(client, letter))
    logged = db.session.execute(
        sa.select(AuditLog.action, AuditLog.details).where(
            AuditLog.actor_id == editor.id, AuditLog.object_type == "signatures"
        )
    ).all()
    assert [tuple(row) for row in logged] == [("signature.add", {"source": "staff"})]


def test_a_duplicate_is_refused_with_a_clear_message_and_the_form_kept(client, auth, letter):
    auth.login("editor")
    add(client, letter, email="office@tjwg.org")

    by_name = add(client, letter, name_en="transitional justice working-group", name_ko="", email="")
    by_email = add(client, letter, kind="individual", name_en="Someone Else", email="Office@TJWG.org")

    for response in (by_name, by_email):
        assert response.status_code == 422
        assert "This signatory has already signed this letter." in page_text(response)
    assert "Someone Else" in by_email.get_data(as_text=True)  # what was typed is still there
    assert len(signatures(letter)) == 1


def test_without_consent_or_a_name_nothing_is_added_and_the_fields_say_why(client, auth, letter):
    auth.login("editor")

    response = add(client, letter, consent=None, name_en="", name_ko="")

    assert response.status_code == 422
    text = page_text(response)
    assert "Some fields need attention." in text
    assert "Enter a name in English or Korean (or both)." in text
    assert "Please agree to have your signature published as you chose." in text
    assert signatures(letter) == []


def test_errors_come_back_in_the_staff_members_language(client, auth, letter):
    auth.login("editor")

    response = add(client, letter, lang="ko", name_en="", name_ko="")

    assert response.status_code == 422
    assert "확인이 필요한 항목이 있습니다." in page_text(response)


def test_a_letter_not_open_for_signatures_takes_none_from_staff_either(client, auth, letter, db):
    auth.login("editor")
    letter.status = LetterStatus.CLOSED
    db.session.commit()

    response = add(client, letter)

    assert response.status_code == 422
    assert "This letter is not open for signatures." in page_text(response)
    assert signatures(letter) == []
