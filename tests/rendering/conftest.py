"""Fixtures shared by the rendering tests."""

import pytest

from app.demo.loader import load_demo

#: What a reader finds in the English demo letter, in either design (HTML or PDF text).
ENGLISH_DEMO_WORDS = (
    "March 11, 2025",
    "Dear President Zelenskyy",
    "Re: North Korean prisoners of war (POWs) wishing to go to South Korea",
    "In your people’s valiant struggle for democracy and freedom",
    "Transitional Justice Working Group (TJWG)",
    "Kim Jeong-sam",
    "elder brother of missionary Kim Jeong-wook who has been held in detention in North Korea since 2013",
)


def english_demo_words(template):
    """ENGLISH_DEMO_WORDS, and the petition's "To:" line (the generic letter has no address block)."""
    if template == "petition":
        return (*ENGLISH_DEMO_WORDS, "To: Office of the President of Ukraine")
    return ENGLISH_DEMO_WORDS


@pytest.fixture
def demo_letter(db):
    """The demo campaign's letter (open, with its frozen version and signatories)."""
    campaign, _created = load_demo()
    return campaign.letters[0]
