"""What the letter editor refuses in its text: characters that break a mail header or reorder text."""

import pytest

from app.letters.models import Letter
from app.letters.services import draft_texts
from tests.factories import LetterFactory
from tests.helpers import page_text
from tests.letters.pages import error_next_to, save

ONE_LINE = "This text must stay on one line: remove the line break."
CONTROL = "Remove the control characters from this text."

#: Each a character no email header may carry, or one that reorders the text around it.
REFUSED_IN_TITLES = [
    pytest.param("\u0085", ONE_LINE, id="next-line"),
    pytest.param("\u2028", ONE_LINE, id="line-separator"),
    pytest.param("\u2029", ONE_LINE, id="paragraph-separator"),
    pytest.param("\n", ONE_LINE, id="line-feed"),
    pytest.param("\r", ONE_LINE, id="carriage-return"),
    pytest.param("\x0b", ONE_LINE, id="vertical-tab"),
    pytest.param("\x0c", ONE_LINE, id="form-feed"),
    pytest.param("\x1e", ONE_LINE, id="record-separator"),
    pytest.param("\t", CONTROL, id="tab"),
    pytest.param("\x07", CONTROL, id="bell"),
    pytest.param("\x7f", CONTROL, id="delete"),
    pytest.param("\x9b", CONTROL, id="c1-control"),
    pytest.param("\u202e", CONTROL, id="right-to-left-override"),
    pytest.param("\u2067", CONTROL, id="right-to-left-isolate"),
    pytest.param("\u200e", CONTROL, id="left-to-right-mark"),
    pytest.param("\u200f", CONTROL, id="right-to-left-mark"),
    pytest.param("\u061c", CONTROL, id="arabic-letter-mark"),
]


@pytest.mark.parametrize("char, message", REFUSED_IN_TITLES)
@pytest.mark.parametrize("field", ["title_en", "title_ko"])
def test_title_with_a_character_no_mail_subject_may_carry_is_refused_next_to_the_field(
    client, auth, db, field, char, message
):
    auth.login("editor")
    letter = LetterFactory()
    before = draft_texts(letter)

    response = save(client, letter.id, **{field: f"Free them{char} now"})

    assert response.status_code == 422
    assert error_next_to(response, field, message), page_text(response)
    db.session.expire_all()
    assert draft_texts(db.session.get(Letter, letter.id)) == before


@pytest.mark.parametrize(
    "field", ["subject_en", "salutation_ko", "signatories_intro_en", "place_en", "place_ko"]
)
def test_every_one_line_part_refuses_line_separators_and_bidi_marks(client, auth, field):
    auth.login("editor")
    letter = LetterFactory()

    separated = save(client, letter.id, **{field: "Seoul\u2028Kyiv"})
    marked = save(client, letter.id, **{field: "Seoul\u200f"})

    assert separated.status_code == marked.status_code == 422
    assert error_next_to(separated, field, ONE_LINE), page_text(separated)
    assert error_next_to(marked, field, CONTROL), page_text(marked)


def test_body_and_closing_keep_their_line_breaks_of_any_kind_as_plain_ones(client, auth, db):
    auth.login("editor")
    letter = LetterFactory()

    body, closing = "First.\u2029\u2029Second.\u2028Third.", "감사합니다.\r\n\r\n올림"
    response = save(client, letter.id, body_en=body, closing_ko=closing)

    assert response.status_code == 302, page_text(response)
    db.session.expire_all()
    saved = db.session.get(Letter, letter.id)
    assert (saved.body_en, saved.closing_ko) == ("First.\n\nSecond.\nThird.", "감사합니다.\n\n올림")


@pytest.mark.parametrize("char", ["\x07", "\u202d", "\u200e", "\u061c"])
def test_body_refuses_control_and_bidi_characters(client, auth, char):
    auth.login("editor")
    letter = LetterFactory()

    response = save(client, letter.id, body_ko=f"행동을{char} 촉구합니다.")

    assert response.status_code == 422
    assert error_next_to(response, "body_ko", CONTROL), page_text(response)


def test_korean_reader_gets_the_one_line_message_in_korean(client, auth):
    auth.login("editor")
    letter = LetterFactory()

    response = save(client, letter.id, headers={"Accept-Language": "ko"}, title_ko="양심수를\u2028석방하라")

    assert response.status_code == 422
    message = "이 글은 한 줄로 써야 합니다. 줄바꿈을 지워 주세요."
    assert error_next_to(response, "title_ko", message), page_text(response)
