"""Korean lines break only between words, in the PDF as a reader sees it."""

import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa

from app.core.sanitizing import render_markdown
from app.demo.loader import SLUG, load_demo
from app.models import Campaign
from app.rendering.context import letter_context
from app.rendering.html import render_letter_html
from app.rendering.pdf import letter_document_html, letter_metadata, pdf_from_html
from app.rendering.typography import JOINER, MAX_WORD, keep_words_together
from tests.rendering.test_pdf import poppler

#: A narrow page: about 14 Korean syllables to a line, so the long paragraphs wrap many times.
NARROW = "<style>@page { size: 70mm 240mm; margin: 8mm } html { font-size: 10pt }</style></head>"

#: Korean Markdown where words run through emphasis and links.
EMPHASIS = (
    "우리는 **국군포로**를 잊지 않았으며 *강제송환*은 [국제법](https://example.org/law)에 반하는 "
    "**중대한 인권침해**라는 점을 **북한인권시민연합**과 함께 거듭 강조합니다. "
) * 4


def visible_words(html):
    """The words of the document's visible text, as the source has them."""
    html = re.sub(r"<(style|title)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(
        r"</?(a|strong|em|b|i|time|code)\b[^>]*>", "", html
    )  # inline in the body; design spans are blocks
    return set(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def line_breaks_inside_words(pdf, words, tmp_path, *args):
    """Extracted lines (page footers aside) holding something that is not a whole source word."""
    bad = []
    for line in poppler("pdftotext", pdf, tmp_path, *args).splitlines():
        line = line.strip()
        if not line or re.fullmatch(r"\d+ ?/ ?\d+", line):
            continue
        if not all(token in words for token in line.split()):
            bad.append(line)
    return bad


@pytest.fixture
def korean_context(db):
    load_demo()
    letter = db.session.scalar(sa.select(Campaign).where(Campaign.slug == SLUG)).letters[0]
    context = letter_context(letter, "ko", version=letter.current_version, as_of=date(2025, 3, 11))
    body = letter.current_version.body_ko
    context["letter"]["body_html"] = render_markdown(body + "\n\n" + EMPHASIS)
    return context


def narrow_pdf(html, context):
    return pdf_from_html([html.replace("</head>", NARROW, 1)], letter_metadata([context]))


@pytest.mark.parametrize("mode", [(), ("-layout",)])
def test_korean_lines_break_only_at_spaces(korean_context, tmp_path, mode):
    html = letter_document_html(korean_context)
    words = visible_words(render_letter_html(korean_context))
    pdf = narrow_pdf(html, korean_context)
    lines = [line for line in poppler("pdftotext", pdf, tmp_path, *mode).splitlines() if line.strip()]
    assert len(lines) > 150  # the letter really was wrapped, many times
    assert line_breaks_inside_words(pdf, words, tmp_path, *mode) == []
    text = poppler("pdftotext", pdf, tmp_path)
    assert JOINER not in text
    for word in ("국군포로를", "강제송환은", "국제법에", "북한인권시민연합과", "존경하는"):
        assert word in text.split(), word


def test_without_the_joiners_weasyprint_splits_korean_words(korean_context, tmp_path):
    """The control: the same narrow page from the HTML as designed, before keep_words_together."""
    raw = render_letter_html(korean_context)
    pdf = narrow_pdf(raw, korean_context)
    assert len(line_breaks_inside_words(pdf, visible_words(raw), tmp_path)) > 20


def test_joiners_only_add_and_touch_no_markup():
    html = (
        '<html lang="ko"><head><title>제목 한글</title><style>p::before{content:"가나"}</style></head>'
        '<body><p class="가나">민주주의와 <a href="x" title="a>b 한글">링크</a>를 &lt;김&gt; &amp;'
        " 2025년 (ICRC)의 English words 줄<em>바꿈</em> 가<br>나</p></body></html>"
    )
    out = keep_words_together(html)
    assert out.replace(JOINER, "") == html
    j = JOINER
    assert f"민{j}주{j}주{j}의{j}와 " in out
    assert f'<a href="x" title="a>b 한글">링{j}크</a>{j}를' in out  # the word runs through the link
    assert f"&lt;{j}김{j}&gt;" in out  # entities stay whole
    assert f"2025{j}년 ({j}ICRC{j}){j}의" in out  # ASCII letters and digits are not split
    assert "<title>제목 한글</title>" in out and 'content:"가나"' in out and 'class="가나"' in out
    assert f"줄<em>{j}바{j}꿈</em>" in out and "가<br>나" in out  # <br> ends a word, <em> does not
    assert "English words" in out


def test_english_and_very_long_runs_are_left_alone():
    english = "<p>Nothing to join here, not even in <b>bold</b>.</p>"
    assert keep_words_together(english) is english
    long_run = "가" * (MAX_WORD + 1)
    assert keep_words_together(f"<p>{long_run} 나다</p>") == f"<p>{long_run} 나{JOINER}다</p>"


def test_the_demo_letter_html_keeps_every_character(korean_context):
    raw = render_letter_html(korean_context)
    assert letter_document_html(korean_context).replace(JOINER, "") == raw
