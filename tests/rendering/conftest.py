"""Fixtures shared by the rendering tests."""

from datetime import date

import pytest

from app.demo.loader import load_demo

#: The date of the signatory list the tests print: not the letter's own date (March 11, 2025),
#: so that an "as of" taken from the letter's text or date shows up as a failure.
LIST_DATE = date(2026, 1, 5)

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
    """ENGLISH_DEMO_WORDS, the list's heading with its date as the design prints it, and the
    petition's "To:" line (the generic letter has no address block)."""
    if template == "petition":
        return (
            *ENGLISH_DEMO_WORDS,
            "To: Office of the President of Ukraine",
            "Signature organizations and individuals 11 signatories as of January 5, 2026",
        )
    return (*ENGLISH_DEMO_WORDS, "Signature organizations and individuals (as of January 5, 2026)")


#: The Korean list heading of the formal design, with the list's date.
KOREAN_FORMAL_HEADING = "서명 단체 및 개인 (2026년 1월 5일 현재)"


@pytest.fixture
def demo_letter(db):
    """The demo campaign's letter (open, with its frozen version and signatories)."""
    campaign, _created = load_demo()
    return campaign.letters[0]
