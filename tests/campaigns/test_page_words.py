"""Words on the staff campaign pages: hints shown as text, states in the reader's language."""

from tests.factories import CampaignFactory, LetterFactory
from tests.helpers import page_text


def test_the_address_hint_is_shown_as_text_not_as_an_element(client, auth):
    auth.login("editor")
    page = client.get("/staff/campaigns/new")
    assert "/c/&lt;address&gt;" in page.get_data(as_text=True)
    assert "/c/<address>" in page_text(page)


def test_campaign_and_letter_states_are_words_in_korean(client, auth):
    auth.login("editor")
    letter = LetterFactory(campaign=CampaignFactory())
    assert "진행 중" in page_text(client.get("/staff/?lang=ko"))
    text = page_text(client.get(f"/staff/campaigns/{letter.campaign_id}?lang=ko"))
    assert "초안" in text and "draft" not in text
