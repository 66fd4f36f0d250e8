"""Signatory names and lines follow the shared text rule (app.core.text): no bidi marks, no controls."""

import pytest

from tests.helpers import page_text
from tests.signatures.conftest import mails, sign, signatories


@pytest.mark.parametrize("char", ["\u200e", "\u200f", "\u061c", "\u2066", "\x07", "\x9b"])
@pytest.mark.parametrize("field", ["name_en", "name_ko", "line"])
def test_a_name_or_line_with_a_bidi_mark_or_control_character_is_refused(client, letter, field, char):
    response = sign(client, letter, **{field: f"Kim{char} Jeong-sam"})

    assert response.status_code == 422
    assert "Remove the control characters from this text." in page_text(response)
    assert signatories() == [] and mails() == []
