"""Changes to an open letter are saved as a draft and printed only once another editor approves them."""

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.core.audit import AuditLog
from app.letters.models import Letter, LetterRecipient, LetterStatus, LetterVersion
from app.letters.services import freeze_version
from app.signatures.models import Signature, SignatureStatus
from tests.factories import LetterFactory, RecipientFactory, SignatoryFactory, SignatureFactory
from tests.helpers import page_text
from tests.letters.pages import press, save, second_staff_member

WAITING = "Changes waiting for approval"
NOT_YOURS = "Another editor must approve these changes: you made some of them."


@pytest.fixture(autouse=True)
def document_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(tmp_path / "documents"))


@pytest.fixture
def addressees(db):
    return RecipientFactory(name_en="Ministry of Unification"), RecipientFactory(
        name_en="Ministry of Justice"
    )


@pytest.fixture
def letter(db, addressees):
    """An open petition addressed to the first ministry, with version 1 signed by one person."""
    letter = LetterFactory(status=LetterStatus.OPEN, template="petition", title_en="Release them now")
    letter.recipient_links = [LetterRecipient(recipient=addressees[0], position=0)]
    version = freeze_version(letter)
    SignatureFactory(
        signatory=SignatoryFactory(name_en="Ada Lovelace"),
        letter_id=letter.id,
        version_id=version.id,
        status=SignatureStatus.CONFIRMED,
    )
    db.session.commit()
    return letter


def current(db, letter_id):
    db.session.expire_all()
    return db.session.get(Letter, letter_id)


def versions(db, letter_id):
    db.session.expire_all()
    query = sa.select(LetterVersion.number).where(LetterVersion.letter_id == letter_id)
    return db.session.scalars(query.order_by(LetterVersion.number)).all()


def approve(client, db, letter_id):
    return press(client, letter_id, "approve", lock_version=current(db, letter_id).lock_version)


def flashes(client, letter_id):
    html = client.get(f"/staff/letters/{letter_id}").get_data(as_text=True)
    return re.findall(r'<p class="flash[^"]*" role="status">(.*?)</p>', html)


def printed(reader, letter_id):
    """The text of the letter's English PDF, as the public downloads it now."""
    response = reader.get(f"/letters/{letter_id}/en.pdf")
    assert response.status_code == 200, page_text(response)
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages))


CHANGES = [
    pytest.param({"title_en": "Release them today"}, "Release them now", "Release them today", id="title"),
    pytest.param({"letter_date": "2026-02-03"}, None, "February 3, 2026", id="date"),
    pytest.param({"place_en": "Seoul"}, None, "Seoul", id="place"),
    pytest.param(
        {"recipient_ids": "second"},
        "To: Ministry of Unification",
        "To: Ministry of Justice",
        id="addressees",
    ),
    # The formal design has no "To:" line in the generic PDF; the petition design has.
    pytest.param({"template": "formal"}, "To: Ministry of Unification", None, id="design"),
]


@pytest.mark.parametrize("change, before, after", CHANGES)
def test_a_change_to_what_the_letter_prints_waits_for_a_second_editor(
    app, client, auth, db, letter, addressees, change, before, after
):
    auth.login("editor")
    reader = app.test_client()
    if change.get("recipient_ids") == "second":
        change = {"recipient_ids": str(addressees[1].id)}
    first = printed(reader, letter.id)
    if before:
        assert before in first

    assert save(client, letter.id, **change).status_code == 302

    assert versions(db, letter.id) == [1]
    assert printed(reader, letter.id) == first
    editor = page_text(client.get(f"/staff/letters/{letter.id}"))
    assert WAITING in editor and "The letter still prints version 1." in editor

    reviewer, _ = second_staff_member(app)
    assert approve(reviewer, db, letter.id).status_code == 302

    assert "Version 2 is approved: the letter now prints it." in flashes(reviewer, letter.id)
    assert versions(db, letter.id) == [1, 2]
    text = printed(reader, letter.id)
    if after:
        assert after in text
    if before:
        assert before not in text
    assert WAITING not in page_text(client.get(f"/staff/letters/{letter.id}"))


def test_the_editor_who_made_the_changes_cannot_approve_them(client, auth, db, letter):
    auth.login("editor")
    assert save(client, letter.id, body_en="We ask you to act today.").status_code == 302

    assert approve(client, db, letter.id).status_code == 302

    assert NOT_YOURS in flashes(client, letter.id)
    assert versions(db, letter.id) == [1]
    assert "We ask you to act today." not in page_text(client.get(f"/c/{letter.campaign.slug}"))


def test_the_public_page_and_the_signatures_keep_version_1_until_approval(app, client, auth, db, letter):
    auth.login("editor")
    reader = app.test_client()
    assert save(client, letter.id, body_en="We ask you to act today.").status_code == 302
    assert "We ask you to act today." not in page_text(reader.get(f"/c/{letter.campaign.slug}"))

    reviewer, _ = second_staff_member(app)
    approve(reviewer, db, letter.id)

    assert "We ask you to act today." in page_text(reader.get(f"/c/{letter.campaign.slug}"))
    [signature] = db.session.scalars(sa.select(Signature).where(Signature.letter_id == letter.id)).all()
    assert signature.version.number == 1
    assert "Ask 1 signatory of an older version to confirm this one" in page_text(
        client.get(f"/staff/letters/{letter.id}")
    )


def test_an_admin_may_approve_their_own_changes_alone_and_it_is_audited(client, auth, db, letter):
    admin = auth.login("admin")
    assert save(client, letter.id, place_ko="서울").status_code == 302

    assert approve(client, db, letter.id).status_code == 302

    assert versions(db, letter.id) == [1, 2]
    entries = db.session.execute(
        sa.select(AuditLog.action, AuditLog.actor_id, AuditLog.details).where(
            AuditLog.object_type == "letters", AuditLog.object_id == letter.id
        )
    ).all()
    assert ("letter.approve_alone", admin.id, {"version": 2}) in entries
    assert "letter.approve" not in [entry.action for entry in entries]


def test_the_letters_first_author_may_approve_a_colleagues_later_change(app, client, auth, db, letter):
    author = auth.login("editor")
    letter = current(db, letter.id)
    letter.author_id = author.id
    db.session.commit()
    colleague, _ = second_staff_member(app)
    assert save(colleague, letter.id, salutation_en="Dear Minister,").status_code == 302

    assert approve(client, db, letter.id).status_code == 302

    assert versions(db, letter.id) == [1, 2]
    assert current(db, letter.id).current_version.salutation_en == "Dear Minister,"


def test_an_editor_who_made_one_of_several_changes_cannot_approve_them(app, client, auth, db, letter):
    auth.login("editor")
    colleague, _ = second_staff_member(app)
    assert save(colleague, letter.id, salutation_en="Dear Minister,").status_code == 302
    assert save(client, letter.id, closing_en="Respectfully,").status_code == 302

    for editor in (client, colleague):
        approve(editor, db, letter.id)
        assert NOT_YOURS in flashes(editor, letter.id)
    assert versions(db, letter.id) == [1]


def test_approval_of_a_page_loaded_before_another_save_is_refused(app, client, auth, db, letter):
    auth.login("editor")
    assert save(client, letter.id, body_en="We ask you to act today.").status_code == 302
    reviewer, _ = second_staff_member(app)
    seen = current(db, letter.id).lock_version
    assert save(client, letter.id, body_en="We ask you to act today, or else.").status_code == 302

    press(reviewer, letter.id, "approve", lock_version=seen)

    assert any(
        "Someone saved this letter after you loaded the page" in m for m in flashes(reviewer, letter.id)
    )
    assert versions(db, letter.id) == [1]


def test_approval_without_changes_or_without_lock_version_is_refused(app, client, auth, db, letter):
    auth.login("editor")
    reviewer, _ = second_staff_member(app)

    approve(reviewer, db, letter.id)
    assert "There are no changes waiting for approval." in flashes(reviewer, letter.id)
    assert save(client, letter.id, body_en="Changed.").status_code == 302
    press(reviewer, letter.id, "approve")
    assert any("reload the letter" in m for m in flashes(reviewer, letter.id))
    assert versions(db, letter.id) == [1]


def test_a_viewer_cannot_approve(client, auth, db, letter):
    auth.login("viewer")
    assert press(client, letter.id, "approve", lock_version=letter.lock_version).status_code == 403


def test_reopening_a_closed_letter_does_not_publish_unapproved_changes(app, client, auth, db, letter):
    auth.login("editor")
    assert save(client, letter.id, body_en="Unreviewed words.").status_code == 302

    press(client, letter.id, "transition", to="closed", lock_version=current(db, letter.id).lock_version)
    press(client, letter.id, "transition", to="open", lock_version=current(db, letter.id).lock_version)

    assert current(db, letter.id).status == LetterStatus.OPEN
    assert versions(db, letter.id) == [1]
    assert "Unreviewed words." not in page_text(client.get(f"/c/{letter.campaign.slug}"))
    assert WAITING in page_text(client.get(f"/staff/letters/{letter.id}"))


def test_opening_a_letter_saved_after_the_reviewer_loaded_it_is_refused(app, client, auth, db):
    author = auth.login("editor")
    draft = LetterFactory(status=LetterStatus.IN_REVIEW, author_id=author.id)
    reviewer, _ = second_staff_member(app)
    seen = current(db, draft.id).lock_version
    assert save(client, draft.id, body_en="Words the reviewer never read.").status_code == 302

    press(reviewer, draft.id, "transition", to="open", lock_version=seen)

    assert current(db, draft.id).status == LetterStatus.IN_REVIEW
    assert versions(db, draft.id) == []


def test_api_patch_of_an_open_letter_changes_the_draft_only(api, db, letter):
    response = api.patch(
        f"/letters/{letter.id}",
        json={"letter_date": "2026-02-03", "lock_version": current(db, letter.id).lock_version},
    )

    assert response.status_code == 200
    assert versions(db, letter.id) == [1]
    assert current(db, letter.id).current_version.letter_date is None
    assert current(db, letter.id).letter_date == date(2026, 2, 3)


def test_the_waiting_changes_are_named_in_the_readers_language(client, auth, db, letter):
    auth.login("editor")
    assert save(client, letter.id, letter_date="2026-02-03", place_ko="서울").status_code == 302

    text = page_text(client.get(f"/staff/letters/{letter.id}", headers={"Accept-Language": "ko"}))

    assert "승인을 기다리는 변경 사항" in text
    assert "서한은 아직 제1판으로 인쇄됩니다." in text
    assert "날짜 : 2026-02-03" in text and "장소, 한국어 : 서울" in text
    assert "승인하고 제2판으로 발행" in text


def test_a_change_of_languages_waits_for_approval_too(app, client, auth, db, letter):
    auth.login("editor")
    reader = app.test_client()
    korean_pdf = f"/letters/{letter.id}/ko.pdf"
    assert korean_pdf in reader.get(f"/c/{letter.campaign.slug}").get_data(as_text=True)

    assert save(client, letter.id, single_language="en").status_code == 302
    assert korean_pdf in reader.get(f"/c/{letter.campaign.slug}").get_data(as_text=True)

    reviewer, _ = second_staff_member(app)
    approve(reviewer, db, letter.id)
    assert versions(db, letter.id) == [1, 2]
    assert korean_pdf not in reader.get(f"/c/{letter.campaign.slug}").get_data(as_text=True)


def test_the_sign_page_names_the_approved_title_not_the_draft(app, client, auth, db, letter):
    auth.login("editor")
    signer = app.test_client()
    assert save(client, letter.id, title_en="Unreviewed title").status_code == 302

    before = page_text(signer.get(f"/letters/{letter.id}/sign", headers={"Accept-Language": "en"}))
    reviewer, _ = second_staff_member(app)
    approve(reviewer, db, letter.id)
    after = page_text(signer.get(f"/letters/{letter.id}/sign", headers={"Accept-Language": "en"}))

    assert "Sign “Release them now”" in before and "Unreviewed title" not in before
    assert "Sign “Unreviewed title”" in after
