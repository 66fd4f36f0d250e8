"""PDFs a screen reader can follow (tagged), numbered through, and dated on the page."""

import io
from datetime import UTC, datetime

import pytest
import tinycss2
from pypdf import PdfReader

from app.letters.services import freeze_version
from app.models import SignatoryKind
from app.rendering.context import letter_context
from app.rendering.footer import page_css
from app.rendering.pdf import render_pdf
from tests.factories import LetterFactory, SignatoryFactory, SignatureFactory
from tests.rendering.test_pdf import AS_OF, demo_context, folded, footers, pdf_pages  # noqa: F401

MADE = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def structure(pdf):
    return PdfReader(io.BytesIO(pdf)).trailer["/Root"]


@pytest.mark.parametrize("pdfa", [False, True])
def test_the_pdf_is_tagged_in_both_variants(demo_context, pdfa):  # noqa: F811
    root = structure(render_pdf([demo_context("en"), demo_context("ko")], pdfa=pdfa))
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    tree = root["/StructTreeRoot"].get_object()
    assert tree["/K"]  # the structure has elements, not just a root
    if pdfa:
        assert "pdfaid:part" in root["/Metadata"].get_object().get_data().decode()


def test_the_bilingual_pdf_numbers_its_pages_through(demo_context, tmp_path):  # noqa: F811
    pages = pdf_pages(render_pdf([demo_context("en"), demo_context("ko")]), tmp_path)
    numbers = footers(pages)
    assert [n for n, _total in numbers] == list(range(1, len(pages) + 1))
    assert {total for _n, total in numbers} == {len(pages)}


def test_each_page_says_when_it_was_made_and_how_many_signed(demo_context, tmp_path):  # noqa: F811
    pdf = render_pdf([demo_context("en"), demo_context("ko")], created=MADE)
    pages = [folded(page) for page in pdf_pages(pdf, tmp_path)]
    english = [page for page in pages if "Made December 1, 2026" in page]
    korean = [page for page in pages if "2026년 12월 1일 작성" in page]
    assert english and korean and len(english) + len(korean) == len(pages)
    assert all("11 signatories as of January 5, 2026" in page for page in english)
    assert all("2026년 1월 5일 현재 서명자 11명" in page for page in korean)


def test_a_newer_pdf_can_be_told_from_an_older_one(demo_context, tmp_path):  # noqa: F811
    older = pdf_pages(render_pdf([demo_context("en")], created=datetime(2026, 3, 1, tzinfo=UTC)), tmp_path)
    newer = pdf_pages(render_pdf([demo_context("en")], created=MADE), tmp_path)
    assert "Made March 1, 2026" in folded(older[0]) and "Made March 1, 2026" not in folded(newer[0])


def test_a_footer_cannot_break_out_of_its_css_string():
    css = page_css('12 "signatories" \\ }\n@page { margin: 0 }')
    assert '"12 \\"signatories\\" \\\\ } @page { margin: 0 }"' in css
    rules = [rule for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True)]
    assert [rule.at_keyword for rule in rules] == ["page"]


def test_the_korean_pdf_prints_an_organizations_korean_description_else_its_english_one(db, tmp_path):
    letter = LetterFactory()
    freeze_version(letter)
    db.session.flush()
    for fields in (
        {"name_en": "Rights Group", "line_en": "Helps families", "line_ko": "가족을 돕는 단체"},
        {"name_en": "Watch Group", "line_en": "Watches camps"},
    ):
        signatory = SignatoryFactory(kind=SignatoryKind.ORGANIZATION, **fields)
        SignatureFactory(signatory=signatory, letter_id=letter.id, version_id=letter.current_version.id)
    korean = folded(" ".join(pdf_pages(render_pdf([letter_context(letter, "ko", as_of=AS_OF)]), tmp_path)))
    assert "가족을 돕는 단체" in korean and "Helps families" not in korean
    assert "Watches camps" in korean  # no Korean one: the English one
    english = folded(" ".join(pdf_pages(render_pdf([letter_context(letter, "en", as_of=AS_OF)]), tmp_path)))
    assert "Helps families" in english and "가족을 돕는 단체" not in english
