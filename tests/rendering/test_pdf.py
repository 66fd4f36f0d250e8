"""Letter PDFs read as a person would read them: text, pages, fonts and metadata from poppler."""

import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.letters.services import freeze_version
from app.models import Display, SignatoryKind
from app.rendering.context import letter_context
from app.rendering.environment import TEMPLATES_ROOT
from app.rendering.pdf import render_pdf
from tests.factories import LetterFactory, SignatoryFactory, SignatureFactory
from tests.rendering.conftest import KOREAN_FORMAL_HEADING, LIST_DATE, english_demo_words

AS_OF = LIST_DATE
ROOT = Path(__file__).resolve().parents[2]
#: The shipped fonts, as WeasyPrint names them in the PDF (after the subset tag "ABCDEF+").
SHIPPED_FONTS = {
    "Undersigned-Serif",
    "Undersigned-Serif-Bold",
    "Undersigned-Serif-Italic",
    "Undersigned-Serif-BoldItalic",
    "Undersigned-Serif-KR",
    "Undersigned-Serif-KR-Bold",
}
_PDFFONTS_ROW = re.compile(r"^(\S+)\s+.+?\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$")
#: The end of each page's foot line: "... · Made December 1, 2026 · 3 / 6".
_FOOTER = re.compile(r"(?:^|·\s*)(\d+) ?/ ?(\d+)$")


def poppler(tool, pdf, tmp_path, *args):
    """Run a poppler tool (pdftotext, pdffonts, pdfinfo) on the PDF bytes; its standard output."""
    path = tmp_path / f"letter-{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(pdf)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def pdf_pages(pdf, tmp_path, *args):
    """The text of each page, as pdftotext extracts it."""
    return poppler("pdftotext", pdf, tmp_path, *args).split("\f")[:-1]


def folded(text):
    return " ".join(text.split())


def pdf_fonts(pdf, tmp_path):
    """[(name without subset tag, embedded, subset)] as pdffonts lists them."""
    rows = []
    for line in poppler("pdffonts", pdf, tmp_path).splitlines()[2:]:
        match = _PDFFONTS_ROW.match(line)
        assert match, line
        rows.append((match[1].split("+", 1)[-1], match[3] == "yes", match[4] == "yes"))
    return rows


def pdf_info(pdf, tmp_path, *args):
    return dict(
        line.split(":", 1) for line in poppler("pdfinfo", pdf, tmp_path, *args).splitlines() if ":" in line
    )


def footers(pages):
    """The "n / N" page number printed at the foot of each page."""
    found = []
    for page in pages:
        last = [line.strip() for line in page.splitlines() if line.strip()][-1]
        match = _FOOTER.search(last)
        assert match, last
        found.append((int(match[1]), int(match[2])))
    return found


@pytest.fixture
def demo_context(demo_letter):
    def context(lang, template=None):
        result = letter_context(demo_letter, lang, version=demo_letter.current_version, as_of=AS_OF)
        if template:
            result["template"] = template
        return result

    return context


@pytest.mark.parametrize("template", ["formal", "petition"])
def test_english_demo_letter_reads_as_sent(demo_context, template, tmp_path):
    pdf = render_pdf([demo_context("en", template)])
    pages = pdf_pages(pdf, tmp_path)
    text = folded(" ".join(pages))
    for expected in english_demo_words(template):
        assert expected in text, expected
    assert "as of March 11, 2025" not in text  # the letter's date is not the list's
    assert text.index("Citizens’ Alliance") < text.index("Transitional Justice") < text.index("Kim Kyu Li")
    assert text.index("Transitional Justice Working Group (TJWG)") < text.index("Kim Jeong-sam")
    count = len(pages)
    assert 2 <= count <= 6
    assert footers(pages) == [(n, count) for n in range(1, count + 1)]
    assert int(pdf_info(pdf, tmp_path)["Pages"]) == count


def test_korean_demo_letter_reads_as_sent(demo_context, tmp_path):
    pdf = render_pdf([demo_context("ko")])
    pages = pdf_pages(pdf, tmp_path)
    text = folded(" ".join(pages))
    for expected in (
        "2025년 3월 11일",
        "존경하는 볼로디미르 젤렌스키 대통령님께",
        KOREAN_FORMAL_HEADING,
        "북한인권시민연합",
        "김정삼",
        "6·25국군포로가족회",
        "2013년부터 북한에 억류되어 있는 김정욱 선교사의 형",
    ):
        assert expected in text, expected
    assert text.index("북한인권시민연합") < text.index("김정삼")
    assert "\u2060" not in text  # the word joiners that keep Korean words whole are not in the text
    assert footers(pages) == [(n, len(pages)) for n in range(1, len(pages) + 1)]


def test_every_korean_glyph_is_in_the_shipped_font(demo_context, tmp_path, caplog):
    # WeasyPrint logs a warning for each character no font has (drawn as an empty box).
    source = demo_context("ko")
    pdf = render_pdf([source])
    assert not [r for r in caplog.records if ".notdef" in r.getMessage()]
    words = set(poppler("pdftotext", pdf, tmp_path).split())
    for paragraph in re.findall(r"<p>(.*?)</p>", str(source["letter"]["body_html"]), flags=re.S):
        for word in paragraph.replace("&quot;", '"').split():
            assert word in words, word


def test_bilingual_pdf_has_english_then_korean_numbered_through(demo_context, tmp_path):
    english, korean = (render_pdf([demo_context(lang)]) for lang in ("en", "ko"))
    english_count, korean_count = (len(pdf_pages(pdf, tmp_path)) for pdf in (english, korean))
    pdf = render_pdf([demo_context("en"), demo_context("ko")])
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) == english_count + korean_count
    assert int(pdf_info(pdf, tmp_path)["Pages"]) == len(pages)
    assert footers(pages) == [(n, len(pages)) for n in range(1, len(pages) + 1)]
    first_korean = pages[english_count]
    assert first_korean.strip().startswith("북한군 포로의 자유의사 존중")  # a new page, in Korean
    assert "Dear President Zelenskyy" in pages[0]
    assert not re.search("[가-힣]", "".join(pages[:english_count]))
    assert "존경하는 볼로디미르 젤렌스키 대통령님께" in folded(" ".join(pages[english_count:]))
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "en"


@pytest.mark.parametrize("langs", [["en"], ["ko"], ["en", "ko"]])
def test_only_the_shipped_fonts_are_used_embedded_and_subset(demo_context, langs, tmp_path):
    pdf = render_pdf([demo_context(lang) for lang in langs])
    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts
    assert {name for name, _embedded, _subset in fonts} <= SHIPPED_FONTS
    assert all(embedded and subset for _name, embedded, subset in fonts)
    names = {name for name, _embedded, _subset in fonts}
    assert ("Undersigned-Serif-KR" in names) == ("ko" in langs)


def test_metadata_names_the_letter_the_coalition_and_the_dates(demo_context, tmp_path):
    created = datetime(2025, 3, 11, 9, 30, tzinfo=UTC)
    pdf = render_pdf([demo_context("en")], created=created)
    info = {key: value.strip() for key, value in pdf_info(pdf, tmp_path, "-isodates").items()}
    assert info["Title"].startswith("Joint letter urging respect for the free will of North Korean")
    assert info["Author"] == "Free will of North Korean POWs"
    assert info["Subject"] == "Re: North Korean prisoners of war (POWs) wishing to go to South Korea"
    assert "Free will of North Korean POWs" in info["Keywords"]
    assert info["CreationDate"] == info["ModDate"] == "2025-03-11T09:30:00Z"
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    korean = PdfReader(io.BytesIO(render_pdf([demo_context("ko")])))
    assert korean.trailer["/Root"]["/Lang"] == "ko"
    assert korean.metadata.title == "한국행을 희망하는 북한군 포로의 자유의사 존중을 촉구하는 공동서한"
    assert korean.metadata.author == "북한군 포로의 자유의사 존중"


def test_pdfa_variant_identifies_itself_as_pdfa_3b(demo_context, tmp_path):
    pdf = render_pdf([demo_context("en"), demo_context("ko")], pdfa=True)
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata
    assert xmp.pdfaid_part == "3"
    assert xmp.pdfaid_conformance == "B"
    assert xmp.dc_title["x-default"].startswith("Joint letter urging respect")
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert 'pdfaid:part="3"' in poppler("pdfinfo", pdf, tmp_path, "-meta")
    assert {name for name, _e, _s in pdf_fonts(pdf, tmp_path)} <= SHIPPED_FONTS
    plain = PdfReader(io.BytesIO(render_pdf([demo_context("en")])))
    assert plain.xmp_metadata is None or plain.xmp_metadata.pdfaid_part is None


def test_progress_is_reported_page_by_page_then_when_written(demo_context):
    calls = []
    render_pdf(
        [demo_context("en"), demo_context("ko")], progress=lambda done, total: calls.append((done, total))
    )
    # three pages each, estimated at three each, laid out twice (the second time numbered
    # through both parts); writing the PDF is the last step
    assert calls == [(n, 14) for n in range(1, 13)] + [(14, 14)]


def test_progress_of_a_long_list_grows_with_its_pages_and_ends_when_written(demo_context):
    context = demo_context("en")
    extra = [{"name": f"Signer {n}", "line": "volunteer", "logo": ""} for n in range(300)]
    context["signatories"]["individuals"] += extra
    calls = []
    pdf = render_pdf([context], progress=lambda done, total: calls.append((done, total)))
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    [total] = {total for _done, total in calls}
    percents = [round(100 * done / total) for done, _total in calls]
    assert pages > 10 and len(calls) >= pages  # a report per page, then the written PDF
    assert percents == sorted(set(percents)) and percents[-1] == 100 and percents[-2] < 100
    assert percents[pages // 2] < 75  # half the pages laid out is not reported as nearly done


def test_no_context_is_an_error():
    with pytest.raises(ValueError, match="at least one"):
        render_pdf([])


@pytest.mark.parametrize("template", ["formal", "petition"])
def test_display_choices_are_honoured_in_the_pdf(db, template, tmp_path):
    letter = LetterFactory(template=template)
    freeze_version(letter)
    db.session.flush()
    for fields in (
        {"name_en": "Grace Brewster Hopper", "display": Display.INITIALS, "line_en": "Navy"},
        {"name_en": "Hidden Person", "display": Display.COUNTED},
        {"name_en": "Open Society", "kind": SignatoryKind.ORGANIZATION},
    ):
        signatory = SignatoryFactory(**fields)
        SignatureFactory(signatory=signatory, letter_id=letter.id, version_id=letter.current_version.id)
    text = folded(poppler("pdftotext", render_pdf([letter_context(letter, "en", as_of=AS_OF)]), tmp_path))
    assert "G. B. H." in text
    assert "Grace" not in text and "Hopper" not in text and "Navy" not in text
    assert "Hidden Person" not in text
    assert text.index("Open Society") < text.index("G. B. H.")
    if template == "petition":
        assert "3 signatories as of January 5, 2026" in text


def test_fonts_ship_with_their_licenses():
    fonts = TEMPLATES_ROOT / "fonts"
    css = (fonts / "fonts.css").read_text(encoding="utf-8")
    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert len(urls) == 6
    for url in urls:
        assert url.startswith("asset:fonts/") and url.endswith(".ttf")
        assert "CJK" not in url  # Korean-only: a pan-CJK collection makes every render far slower
        assert (TEMPLATES_ROOT / url.removeprefix("asset:")).stat().st_size > 500_000
    for license_file in ("OFL-NanumMyeongjo.txt", "OFL-NotoSerif.txt"):
        text = (fonts / license_file).read_text(encoding="utf-8")
        assert "SIL OPEN FONT LICENSE" in text and "Version 1.1" in text


CHILD = """
import sys
from markupsafe import Markup
from app.rendering.pdf import render_pdf

def context(lang, title, body, names):
    rows = [{"name": name, "line": "", "logo": ""} for name in names]
    return {
        "lang": lang, "template": "formal", "campaign": {"title": title},
        "letter": {"title": title, "subject": "", "salutation": "", "body_html": Markup(body), "closing": "",
                   "signatories_intro": "", "date": "", "place": ""},
        "recipients": [], "signatories": {"organizations": rows, "individuals": [], "count": len(rows), "as_of": ""},
        "labels": {"signatories_as_of": "", "signatories_count": "", "to": "", "page": "", "no": "", "name": "",
                   "line": ""},
    }

english = context("en", "An open letter", "<p>We ask you to <em>act</em> now, <strong>today</strong>.</p>", ["Ada"])
korean = context("ko", "공개 서한", "<p>행동을 <strong>촉구합니다</strong>.</p>", ["북한인권시민연합"])
sys.stdout.buffer.write(render_pdf([english, korean]))
"""


def test_rendering_needs_no_installed_font(tmp_path):
    """With fontconfig seeing no font at all, the PDF is the same: only the shipped fonts."""
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>')
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    listed = subprocess.run(["fc-list"], env=env, check=True, capture_output=True, text=True).stdout
    assert listed.strip() == ""
    pdf = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, cwd=ROOT, check=True, capture_output=True, timeout=120
    ).stdout
    fonts = pdf_fonts(pdf, tmp_path)
    assert {name for name, _e, _s in fonts} == {
        "Undersigned-Serif",
        "Undersigned-Serif-Italic",
        "Undersigned-Serif-Bold",
        "Undersigned-Serif-KR",
        "Undersigned-Serif-KR-Bold",
    }
    text = folded(poppler("pdftotext", pdf, tmp_path))
    assert "We ask you to act now, today." in text
    assert "행동을 촉구합니다." in text and "북한인권시민연합" in text
