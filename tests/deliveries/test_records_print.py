"""A recipient's print version shows the address in the window of a DL envelope (DIN 5008 form B)."""

import re
import subprocess
from html import unescape

import pytest

from app.demo.loader import load_demo
from app.rendering.context import letter_context
from app.rendering.pdf import render_pdf
from tests.factories import RecipientFactory

MM = 72 / 25.4  # PDF points per millimetre
#: The window of a DL envelope over a letter folded for it: DIN 5008 form B's address field.
WINDOW = {"left": 20, "top": 45, "right": 105, "bottom": 90}
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def first_page_words(pdf, tmp_path):
    """[(text, left, top, right, bottom) in mm from the page's top left corner] on page 1."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return [
        (unescape(text), *(float(v) / MM for v in box))
        for *box, text in (m.groups() for m in _WORD.finditer(html))
    ]


def words_of(lines):
    return [word for line in lines for word in line.split()]


def inside_window(word):
    _text, left, top, right, bottom = word
    return (
        left >= WINDOW["left"]
        and right <= WINDOW["right"]
        and top >= WINDOW["top"]
        and bottom <= WINDOW["bottom"]
    )


@pytest.fixture
def demo_letter(db):
    campaign, _created = load_demo()
    return campaign.letters[0]


def render(letter, lang, template, recipient=None):
    context = letter_context(letter, lang, version=letter.current_version, recipient=recipient)
    context["template"] = template
    return render_pdf([context])


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("template", ["formal", "petition"])
def test_the_recipients_address_lies_inside_the_envelope_window(demo_letter, tmp_path, template, lang):
    office = demo_letter.recipient_links[0].recipient
    block = [office.addressee_en if lang == "en" else office.addressee_ko or office.addressee_en]
    block += (office.address_en if lang == "en" else office.address_ko or office.address_en).splitlines()
    words = first_page_words(render(demo_letter, lang, template, office), tmp_path)
    in_window = [w for w in words if inside_window(w)]
    assert [w[0] for w in in_window] == words_of(block)
    # Nothing else is printed in the window, and the address starts at the address zone (62.7 mm).
    assert min(w[2] for w in in_window) >= 62.7 - 0.5


@pytest.mark.parametrize("template", ["formal", "petition"])
def test_a_long_address_block_grows_upwards_and_stays_in_the_window(demo_letter, db, tmp_path, template):
    lines = [f"Line{n}" for n in range(1, 11)]  # an addressee and ten address lines
    recipient = RecipientFactory(addressee_en="Director", address_en="\n".join(lines), address_ko="")
    words = first_page_words(render(demo_letter, "en", template, recipient), tmp_path)
    placed = {w[0]: w for w in words if w[0] in {"Director", *lines}}
    assert set(placed) == {"Director", *lines}
    assert [w for w in placed.values() if not inside_window(w)] == []


@pytest.mark.parametrize("template", ["formal", "petition"])
def test_the_generic_version_prints_nothing_in_the_window(demo_letter, tmp_path, template):
    words = first_page_words(render(demo_letter, "en", template), tmp_path)
    printed = {w[0] for w in words}
    assert not {"Bankova", "01220,"} & printed  # the office's address lines
