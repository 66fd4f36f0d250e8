"""A letter's life through the staff and public pages: review, opening, reconfirmation, the public page."""

import re

import sqlalchemy as sa

from app.core.audit import AuditLog
from app.letters.models import Letter, LetterStatus, LetterVersion
from app.letters.services import freeze_version
from app.mail.models import OutboxMessage
from app.signatures.models import Signature, SignatureStatus
from tests.factories import CampaignFactory, LetterFactory, SignatoryFactory, SignatureFactory
from tests.helpers import csrf_token, page_text
from tests.letters.pages import press, save, second_staff_member


def flashes(client, letter_id):
    """The messages shown on the editor page after a redirect to it."""
    html = client.get(f"/staff/letters/{letter_id}").get_data(as_text=True)
    return re.findall(r'<p class="flash[^"]*" role="status">(.*?)</p>', html)


def current(db, letter_id):
    db.session.expire_all()
    return db.session.get(Letter, letter_id)


def open_letter(db, **texts):
    """An open letter with a frozen version 1, as the workflow leaves it."""
    letter = LetterFactory(status=LetterStatus.OPEN, **texts)
    version = freeze_version(letter)
    db.session.commit()
    return letter, version


def test_author_submits_for_review_and_another_editor_opens_the_letter(app, client, auth, db):
    author = auth.login("editor")
    letter = LetterFactory(author_id=author.id)

    assert press(client, letter.id, "transition", to="in_review").status_code == 302
    assert "The letter is now in review." in flashes(client, letter.id)

    press(client, letter.id, "transition", to="open")
    assert "Another editor must approve this letter: you wrote part of it." in flashes(client, letter.id)
    assert current(db, letter.id).status == LetterStatus.IN_REVIEW

    reviewer, _ = second_staff_member(app)
    press(reviewer, letter.id, "transition", to="open")
    assert "The letter is now open for signatures." in flashes(reviewer, letter.id)
    letter = current(db, letter.id)
    assert letter.status == LetterStatus.OPEN
    assert [v.number for v in letter.versions] == [1]
    content_hash = letter.versions[0].content_hash
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash)
    editor = page_text(client.get(f"/staff/letters/{letter.id}"))
    assert "Version 1" in editor
    assert content_hash[:12] in editor


def test_admin_who_wrote_the_letter_may_approve_it_alone_and_it_is_audited(client, auth, db):
    admin = auth.login("admin")
    letter = LetterFactory(author_id=admin.id)

    press(client, letter.id, "transition", to="in_review")
    press(client, letter.id, "transition", to="open")

    assert current(db, letter.id).status == LetterStatus.OPEN
    approvals = db.session.scalars(
        sa.select(AuditLog.action).where(AuditLog.object_type == "letters", AuditLog.object_id == letter.id)
    ).all()
    assert "letter.approve_alone" in approvals
    assert "letter.approve" not in approvals


def test_letter_opens_only_with_title_and_body_in_both_languages_unless_single_language(client, auth, db):
    auth.login("admin")
    letter = LetterFactory(body_ko="", status=LetterStatus.IN_REVIEW)

    press(client, letter.id, "transition", to="open")

    shown = flashes(client, letter.id)
    assert any("Both languages need a title and a body" in message for message in shown), shown
    assert "Body (Markdown), 한국어: Required before opening." in shown
    assert current(db, letter.id).status == LetterStatus.IN_REVIEW
    assert current(db, letter.id).versions == []

    assert save(client, letter.id, single_language="en").status_code == 302
    press(client, letter.id, "transition", to="open")
    assert "The letter is now open for signatures." in flashes(client, letter.id)
    assert current(db, letter.id).status == LetterStatus.OPEN


def test_signatory_of_an_older_version_is_asked_by_mail_and_confirms_the_new_one(app, client, auth, db):
    auth.login("editor")
    letter, v1 = open_letter(db, body_en="We ask you to act.", body_ko="행동을 촉구합니다.")
    signatory = SignatoryFactory(language="ko", email="jiwoo@example.org")
    signature = SignatureFactory(
        signatory=signatory, letter_id=letter.id, version_id=v1.id, status=SignatureStatus.CONFIRMED
    )

    assert save(client, letter.id, body_ko="지금 당장 행동을 촉구합니다.").status_code == 302
    reviewer, _ = second_staff_member(app)
    assert (
        press(reviewer, letter.id, "approve", lock_version=current(db, letter.id).lock_version).status_code
        == 302
    )
    v2 = db.session.scalar(
        sa.select(LetterVersion).where(LetterVersion.letter_id == letter.id, LetterVersion.number == 2)
    )
    assert v2 is not None and v2.body_ko == "지금 당장 행동을 촉구합니다."
    assert "Ask 1 signatory of an older version to confirm this one" in page_text(
        client.get(f"/staff/letters/{letter.id}")
    )

    assert press(client, letter.id, "reconfirm").status_code == 302
    assert any("asked to confirm the new version" in message for message in flashes(client, letter.id))
    # Sent at once by the eager task, but its write is rolled back with the savepoint of the
    # request's session that it was nested in (tests/conftest.py), so only the message is checked.
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == "jiwoo@example.org")).one()
    assert mail.subject == "“공개 서한” 새 판에 대한 서명을 확인해 주세요"
    assert "제2판" in mail.body_text
    link = re.search(r"http://localhost(/s/reconfirm/\S+)", mail.body_text).group(1)

    signer = app.test_client()
    page = signer.get(link)
    assert page.status_code == 200
    assert "지금 당장 행동을 촉구합니다." in page_text(page)
    assert "이 판에 서명하기" in page_text(page)
    thanks = signer.post(link, data={"csrf_token": csrf_token(signer, link)})
    assert "감사합니다. 서명이 새 판으로 옮겨졌습니다." in page_text(thanks)
    db.session.expire_all()
    assert db.session.get(Signature, signature.id).version_id == v2.id

    again = signer.post(link, data={"csrf_token": csrf_token(signer, link)})
    assert "바뀐 것이 없습니다. 서명은 이미 확인되었습니다." in page_text(again)
    token = re.search(r"/s/reconfirm/([^?]+)", link).group(1)
    tampered = signer.get(f"/s/reconfirm/{token[:-4]}abcd?lang=en")
    assert tampered.status_code == 400
    assert "This link is not valid or has expired." in page_text(tampered)


def test_public_page_shows_open_letters_not_drafts_and_an_approved_edit_at_once(app, client, auth, db):
    campaign = CampaignFactory()
    open_one, _ = open_letter(
        db, campaign=campaign, title_en="Release them now", body_en="We ask you to act."
    )
    LetterFactory(campaign=campaign, title_en="Secret draft")
    reader = app.test_client()

    before = page_text(reader.get(f"/c/{campaign.slug}"))
    assert "Release them now" in before
    assert "We ask you to act." in before
    assert "Secret draft" not in before
    campaign.title_en = "Renamed behind the page's back"
    db.session.commit()
    assert "Renamed behind" not in page_text(reader.get(f"/c/{campaign.slug}")), "the page is cached"

    auth.login("editor")
    assert save(client, open_one.id, body_en="We ask you to act today.").status_code == 302
    assert "We ask you to act today." not in page_text(reader.get(f"/c/{campaign.slug}"))
    reviewer, _ = second_staff_member(app)
    assert (
        press(
            reviewer, open_one.id, "approve", lock_version=current(db, open_one.id).lock_version
        ).status_code
        == 302
    )

    after = page_text(reader.get(f"/c/{campaign.slug}"))
    assert "We ask you to act today." in after
    assert "Renamed behind the page's back" in after
    assert "Secret draft" not in after
