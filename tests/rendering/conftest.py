"""Fixtures shared by the rendering tests."""

import pytest

from app.demo.loader import load_demo


@pytest.fixture
def demo_letter(db):
    """The demo campaign's letter (open, with its frozen version and signatories)."""
    campaign, _created = load_demo()
    return campaign.letters[0]
