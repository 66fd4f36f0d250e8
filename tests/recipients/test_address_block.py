"""A recipient's own PDF prints the address block staff entered in the registry, line by line."""

import subprocess

import pytest
import sqlalchemy as sa

from app.letters.models import LetterRecipient
from app.letters.services import freeze_version
from app.models import Recipient
from app.rendering.context import letter_context
from app.rendering.pdf import render_pdf
from tests.factories import LetterFactory
from tests.recipients.conftest import FULL


def _pdf_lines(pdf, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return [line.strip() for line in text.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "lang, block",
    [
        pytest.param(
            "en", ["Ambassador of Ukraine", "1 Example-ro, Yongsan-gu", "Seoul 04001", "Republic of Korea"]
        ),
        pytest.param("ko", ["주한 우크라이나 대사", "04001", "서울특별시 용산구 예시로 1", "대한민국"]),
    ],
)
def test_the_address_block_from_the_staff_form_is_printed_in_the_recipients_pdf(
    auth, post_form, db, tmp_path, lang, block
):
    auth.login("editor")
    assert post_form("/staff/recipients/new", FULL).status_code == 302
    recipient = db.session.scalar(sa.select(Recipient))
    letter = LetterFactory(template="formal")
    letter.recipient_links = [LetterRecipient(recipient=recipient, position=0)]
    version = freeze_version(letter)

    context = letter_context(letter, lang, version=version, recipient=recipient)
    lines = _pdf_lines(render_pdf([context]), tmp_path)
    start = lines.index(block[0])
    assert lines[start : start + len(block)] == block
    # Contact data never reaches the letter.
    assert not [line for line in lines if "embassy.example" in line or "555 01" in line]


def test_a_recipient_without_an_address_prints_its_addressee_alone(db):
    recipient = Recipient(name_en="UNHCR", addressee_en="United Nations High Commissioner for Refugees")
    letter = LetterFactory()
    context = letter_context(letter, "ko", recipient=recipient)
    assert context["recipients"] == [
        {"name": "UNHCR", "addressee": "United Nations High Commissioner for Refugees", "address_lines": []}
    ]
