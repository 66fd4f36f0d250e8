"""Staff create campaigns: the titles are checked by the same text rule as the letters'."""

import pytest
import sqlalchemy as sa

from app.campaigns.models import Campaign
from tests.helpers import csrf_token, page_text
from tests.letters.pages import error_next_to

ONE_LINE = "This text must stay on one line: remove the line break."
CONTROL = "Remove the control characters from this text."


def create(client, **fields):
    token = csrf_token(client, "/staff/campaigns/new")
    data = {"slug": "prisoners", "title_en": "Prisoners", "title_ko": "양심수", "csrf_token": token}
    return client.post("/staff/campaigns/new", data={**data, **fields})


def campaigns(db):
    return db.session.scalars(sa.select(Campaign.slug)).all()


@pytest.mark.parametrize(
    "char, message",
    [
        pytest.param("\u2028", ONE_LINE, id="line-separator"),
        pytest.param("\u0085", ONE_LINE, id="next-line"),
        pytest.param("\x07", CONTROL, id="bell"),
        pytest.param("\u202e", CONTROL, id="bidi-override"),
        pytest.param("\u200f", CONTROL, id="right-to-left-mark"),
    ],
)
@pytest.mark.parametrize("field", ["title_en", "title_ko"])
def test_campaign_title_with_a_control_character_is_refused_next_to_the_field(
    client, auth, db, field, char, message
):
    auth.login("editor")

    response = create(client, **{field: f"Free{char} them"})

    assert response.status_code == 422
    assert error_next_to(response, field, message), page_text(response)
    assert "Some fields need attention." in page_text(response)
    assert campaigns(db) == []


def test_campaign_titles_are_cleaned_like_letter_titles(client, auth, db):
    auth.login("editor")

    response = create(client, title_en="\u200b Prisoners of conscience \ufeff", title_ko="")

    assert response.status_code == 302, page_text(response)
    assert db.session.scalars(sa.select(Campaign.title_en)).all() == ["Prisoners of conscience"]


def test_campaign_title_too_long_says_how_long_it_is(client, auth, db):
    auth.login("editor")

    response = create(client, title_ko="가" * 201)

    assert response.status_code == 422
    assert error_next_to(response, "title_ko", "At most 200 characters (this has 201)."), page_text(response)
    assert campaigns(db) == []
