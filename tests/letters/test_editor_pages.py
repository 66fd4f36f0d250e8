"""The staff letter editor as editors and viewers use it: writing, previews, revisions, conflicts, errors."""

import re

import pytest
import sqlalchemy as sa

from app.letters.models import Letter, LetterRevision
from app.letters.services import draft_texts
from tests.factories import CampaignFactory, LetterFactory
from tests.helpers import csrf_token, page_text
from tests.letters.pages import editor_form, error_next_to, save, second_staff_member, submit

ENGLISH = {
    "title_en": "Free the prisoners of conscience",
    "salutation_en": "Dear Minister,",
    "body_en": "We ask you to **release** them now.",
    "closing_en": "Respectfully yours,",
}
KOREAN = {
    "title_ko": "양심수를 석방하라",
    "salutation_ko": "장관님께,",
    "body_ko": "그들을 **즉시** 석방할 것을 촉구합니다.",
    "closing_ko": "삼가 올림",
}


def write_letter(client, campaign_id, **texts):
    """Fill in the new-letter page and save it; returns the editor page's address."""
    page = client.get(f"/staff/campaigns/{campaign_id}/letters/new")
    assert page.status_code == 200
    response = submit(client, page, {"class_": "editor"}, **texts)
    assert response.status_code == 302, page_text(response)
    return response.headers["Location"]


def letter_at(db, editor_url):
    db.session.expire_all()
    return db.session.get(Letter, int(editor_url.rsplit("/", 1)[1]))


def test_staff_home_page_has_a_plain_title(client, auth):
    auth.login("editor")
    html = client.get("/staff/").get_data(as_text=True)
    assert "<title>Staff · Undersigned</title>" in html


def test_editor_writes_a_letter_in_both_languages_and_sees_them_side_by_side(client, auth, db):
    auth.login("editor")
    token = csrf_token(client, "/staff/campaigns/new")
    created = client.post(
        "/staff/campaigns/new",
        data={"slug": "prisoners", "title_en": "Prisoners", "title_ko": "양심수", "csrf_token": token},
    )
    assert created.status_code == 302
    campaign_page = client.get(created.headers["Location"])
    assert "Prisoners" in page_text(campaign_page)
    campaign_id = int(created.headers["Location"].rsplit("/", 1)[1])

    editor_url = write_letter(client, campaign_id, **ENGLISH, **KOREAN)

    editor = client.get(editor_url)
    assert "The letter is saved as a draft." in page_text(editor)
    assert {key: editor_form(editor)[key] for key in (*ENGLISH, *KOREAN)} == {**ENGLISH, **KOREAN}
    html = editor.get_data(as_text=True)
    for part in ("title", "salutation", "body", "closing"):
        row = re.search(rf'<tr>((?:(?!</tr>).)*name="{part}_en".*?)</tr>', html, flags=re.S).group(1)
        assert f'name="{part}_ko"' in row, f"{part} is not side by side"
    iframes = re.findall(r'<iframe[^>]*src="([^"]+)"', html)
    assert iframes == [f"{editor_url}/preview/en", f"{editor_url}/preview/ko"]
    letter = letter_at(db, editor_url)
    assert (letter.title_ko, letter.body_en, letter.author_id) == (
        KOREAN["title_ko"],
        ENGLISH["body_en"],
        auth.user.id,
    )


def test_preview_is_the_letter_rendered_through_its_template_with_nothing_allowed_to_load(client, auth):
    auth.login("editor")
    editor_url = write_letter(client, CampaignFactory().id, **ENGLISH, **KOREAN)

    preview = client.get(f"{editor_url}/preview/ko")

    assert preview.status_code == 200
    assert preview.headers["Content-Security-Policy"].startswith("default-src 'none'")
    html = preview.get_data(as_text=True)
    assert '<html lang="ko">' in html
    assert '<h1 class="title">양심수를 석방하라</h1>' in html
    assert "그들을 <strong>즉시</strong> 석방할 것을 촉구합니다." in html
    assert "Free the prisoners" not in html
    assert client.get(f"{editor_url}/preview/fr").status_code == 404


def test_every_save_is_a_revision_that_can_be_compared_and_restored(client, auth, db):
    auth.login("editor")
    editor_url = write_letter(client, CampaignFactory().id, title_en="Act", body_en="We ask you to act.")
    letter_id = letter_at(db, editor_url).id
    assert save(client, letter_id, body_en="We ask you to act today.").status_code == 302
    assert save(client, letter_id, body_en="We urge you to act today.").status_code == 302

    listing = client.get(f"{editor_url}/revisions")
    rows = re.findall(r"<tr>.*?</tr>", listing.get_data(as_text=True), flags=re.S)[1:]
    assert len(rows) == 3
    assert all(auth.user.email in row for row in rows)

    diff = client.get(f"{editor_url}/revisions?a=1&b=3").get_data(as_text=True)
    assert "<del>ask</del>" in diff
    assert "<ins>urge</ins>" in diff

    restored = submit(client, listing, {"id": "restore-1"})
    assert restored.status_code == 302
    assert restored.headers["Location"] == editor_url
    editor = client.get(editor_url)
    assert "Revision 1 is restored as the current text." in page_text(editor)
    assert editor_form(editor)["body_en"] == "We ask you to act."
    revisions = db.session.scalars(
        sa.select(LetterRevision.number).where(LetterRevision.letter_id == letter_id)
    )
    assert sorted(revisions) == [1, 2, 3, 4]


def test_second_editor_saving_an_old_copy_gets_a_conflict_and_keeps_their_text(app, client, auth, db):
    auth.login("editor")
    letter = LetterFactory(body_en="We ask you to act.")
    other, _ = second_staff_member(app)
    mine = client.get(f"/staff/letters/{letter.id}")
    theirs = other.get(f"/staff/letters/{letter.id}")

    assert submit(client, mine, {"class_": "editor"}, body_en="We ask you to act now.").status_code == 302
    conflict = submit(other, theirs, {"class_": "editor"}, body_en="We beg you to act.")

    assert conflict.status_code == 409
    text = page_text(conflict)
    assert "Someone else saved this letter" in text
    assert "What changed" in text
    assert editor_form(conflict)["body_en"] == "We beg you to act."
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).body_en == "We ask you to act now."

    again = submit(other, conflict, {"class_": "editor"})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).body_en == "We beg you to act."


BAD_INPUT = [
    pytest.param(
        {"title_en": "", "title_ko": ""},
        "title_en",
        ("Enter a title in English or Korean.", "영어 또는 한국어로 제목을 입력하세요."),
        id="no-title",
    ),
    pytest.param(
        {"body_en": "<script>alert(1)</script>"},
        "body_en",
        (
            "HTML is not allowed here; use Markdown (**bold**, *italic*, lists, > quotes, [links](https://...)).",
            "여기에는 HTML을 사용할 수 없습니다. 마크다운을 쓰세요(**굵게**, *기울임*, 목록, > 인용, [링크](https://...)).",
        ),
        id="html",
    ),
    pytest.param(
        {"body_ko": "![x](http://evil.example/x.png)"},
        "body_ko",
        ("Images are not allowed in the letter text.", "서한 본문에는 이미지를 넣을 수 없습니다."),
        id="image",
    ),
    pytest.param(
        {"title_en": "x" * 301},
        "title_en",
        ("At most 300 characters (this has 301).", "최대 300자까지 입력할 수 있습니다(현재 301자)."),
        id="long-title",
    ),
    pytest.param(
        {"template": "no-such-design"},
        "template",
        ("There is no letter template with this name.", "이 이름의 서한 양식이 없습니다."),
        id="unknown-template",
    ),
]


@pytest.mark.parametrize("changes, field, messages", BAD_INPUT)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_bad_input_is_refused_with_a_message_next_to_the_field(
    client, auth, db, lang, changes, field, messages
):
    auth.login("editor")
    letter = LetterFactory()
    before = (draft_texts(letter), letter.template, letter.lock_version)

    response = save(client, letter.id, headers={"Accept-Language": lang}, **changes)

    assert response.status_code == 422
    message = messages[lang == "ko"]
    assert error_next_to(response, field, message), page_text(response)
    assert ("확인이 필요한 항목이 있습니다." if lang == "ko" else "Some fields need attention.") in page_text(
        response
    )
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert (draft_texts(letter), letter.template, letter.lock_version) == before


def test_viewer_reads_the_editor_but_cannot_save_or_change_state(client, auth, db):
    auth.login("viewer")
    letter = LetterFactory(body_en="We ask you to act.")

    page = client.get(f"/staff/letters/{letter.id}")

    assert page.status_code == 200
    assert "We ask you to act." in page_text(page)
    html = page.get_data(as_text=True)
    assert not re.search(r"<button[^>]*>\s*Save\s*</button>", html)
    assert "Move to:" not in page_text(page)
    assert submit(client, page, {"class_": "editor"}, body_en="Changed.").status_code == 403
    token = csrf_token(client, f"/staff/letters/{letter.id}")
    transition = client.post(
        f"/staff/letters/{letter.id}/transition", data={"csrf_token": token, "to": "in_review"}
    )
    assert transition.status_code == 403
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).body_en == "We ask you to act."
    assert "Restore" not in page_text(client.get(f"/staff/letters/{letter.id}/revisions"))
