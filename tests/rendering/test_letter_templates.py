"""Letter designs render the letter, its recipients and its public signatories, safely."""

import re
from html import unescape

import pytest
import sqlalchemy as sa
from jinja2.exceptions import SecurityError, UndefinedError

from app.core.errors import ValidationError
from app.letters.services import freeze_version
from app.models import Display, Recipient, RecipientKind, SignatoryKind
from app.rendering.context import letter_context
from app.rendering.environment import TEMPLATES_ROOT, available_templates, letter_environment
from app.rendering.html import render_letter_html
from tests.factories import LetterFactory, SignatoryFactory, SignatureFactory
from tests.rendering.conftest import KOREAN_FORMAL_HEADING, LIST_DATE, english_demo_words

TEMPLATES = list(available_templates())


def text_of(html):
    """The visible text of an HTML document, tags removed and white space folded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def render(letter, lang, template, **kwargs):
    context = letter_context(letter, lang, **kwargs)
    context["template"] = template
    return render_letter_html(context)


@pytest.fixture
def letter(db):
    letter = LetterFactory()
    freeze_version(letter)
    db.session.flush()
    return letter


@pytest.fixture
def sign(letter):
    """Sign the letter's current version: sign(name_en=..., display=...)."""

    def sign(**fields):
        version = letter.current_version
        signatory = SignatoryFactory(**fields)
        return SignatureFactory(signatory=signatory, letter_id=letter.id, version_id=version.id)

    return sign


def test_both_designs_ship_with_their_meta():
    assert TEMPLATES == ["formal", "petition"]
    kinds = {name: meta["kind"] for name, meta in available_templates().items()}
    assert kinds == {"formal": "open_letter", "petition": "petition"}
    assert available_templates()["formal"]["name"]["ko"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_designs_are_self_contained(template):
    for name in ("template.html", "style.css"):
        source = (TEMPLATES_ROOT / template / name).read_text(encoding="utf-8")
        # The one image a design may show: a stored logo, by the logo: URL the snapshot builds.
        source = source.replace('<img class="logo" src="{{ signatory.logo }}" alt="">', "")
        for outside in ("http", "//", "url(", "@import", "@font-face", "src=", "<img", "<link", "<script"):
            assert outside not in source, (template, name, outside)
    css = (TEMPLATES_ROOT / template / "style.css").read_text(encoding="utf-8")
    assert "size: A4" in css
    assert '"Undersigned Serif KR", "Nanum Myeongjo", "Noto Serif KR", serif' in css


@pytest.mark.parametrize("template", TEMPLATES)
def test_english_demo_letter(demo_letter, template):
    html = render(demo_letter, "en", template, version=demo_letter.current_version, as_of=LIST_DATE)
    text = text_of(html)
    assert '<html lang="en">' in html
    assert "<style>" in html and "@page" in html
    for expected in english_demo_words(template):
        assert expected in text, expected
    assert "as of March 11, 2025" not in text  # the letter's date is not the list's
    assert text.index("Citizens’ Alliance") < text.index("Transitional Justice") < text.index("Kim Kyu Li")


@pytest.mark.parametrize("template", TEMPLATES)
def test_korean_demo_letter(demo_letter, template):
    html = render(demo_letter, "ko", template, version=demo_letter.current_version, as_of=LIST_DATE)
    text = text_of(html)
    assert '<html lang="ko">' in html
    for expected in (
        "2025년 3월 11일",
        "존경하는 볼로디미르 젤렌스키 대통령님께",
        *(
            (KOREAN_FORMAL_HEADING,)
            if template == "formal"
            else ("서명 단체 및 개인", "2026년 1월 5일 현재 서명자 11명")
        ),
        "북한인권시민연합",
        "김정삼",
    ):
        assert expected in text, expected
    assert text.index("북한인권시민연합") < text.index("김정삼")


def test_petition_numbers_and_counts_the_signatories(demo_letter):
    html = render(demo_letter, "en", "petition", version=demo_letter.current_version, as_of=LIST_DATE)
    text = text_of(html)
    assert "To: Office of the President of Ukraine" in text
    assert "11 signatories as of January 5, 2026" in text
    assert "1. Citizens’ Alliance for North Korean Human Rights (NKHR)" in text
    assert "11. Kim Jeong-sam (elder brother" in text


def test_formal_heading_falls_back_to_the_as_of_label(letter, sign):
    sign(name_en="Ada Lovelace")
    text = text_of(render(letter, "en", "formal", as_of=LIST_DATE))
    assert "Signatories as of January 5, 2026 Ada Lovelace" in text
    text = text_of(render(letter, "ko", "formal", as_of=LIST_DATE))
    assert "2026년 1월 5일 현재 서명자" in text
    assert "1 signatory as of January 5, 2026" in text_of(render(letter, "en", "petition", as_of=LIST_DATE))


def test_context_is_plain_data(demo_letter):
    context = letter_context(demo_letter, "en")
    assert set(context) == {
        "lang",
        "template",
        "campaign",
        "letter",
        "recipients",
        "addressees",
        "signatories",
        "labels",
    }
    assert context["recipients"] == []  # the generic version: no address block
    assert context["addressees"] == ["Office of the President of Ukraine"]
    assert set(context["labels"]) == {
        "signatories_as_of",
        "as_of",
        "signatories_count",
        "to",
        "page",
        "no",
        "name",
        "line",
    }
    assert context["signatories"]["count"] == 11
    assert context["signatories"]["as_of"] == context["labels"]["signatories_as_of"].removeprefix(
        "Signatories as of "
    )
    assert context["signatories"]["individuals"][1]["name"] == "Kim Jeong-sam"
    assert len(context["signatories"]["organizations"]) == 9


def test_a_given_recipient_replaces_the_letter_recipients(demo_letter, db):
    embassy = db.session.scalar(sa.select(Recipient).where(Recipient.kind == RecipientKind.EMBASSY))
    context = letter_context(demo_letter, "ko", recipient=embassy)
    assert [r["addressee"] for r in context["recipients"]] == ["주한 우크라이나 대사"]
    assert context["addressees"] == [embassy.name("ko")]


@pytest.mark.parametrize("template", TEMPLATES)
def test_only_a_recipients_own_document_prints_an_address_block(demo_letter, db, template):
    office = demo_letter.recipient_links[0].recipient
    embassy = db.session.scalar(sa.select(Recipient).where(Recipient.kind == RecipientKind.EMBASSY))
    version = demo_letter.current_version
    generic = text_of(render(demo_letter, "en", template, version=version))
    for_office = text_of(render(demo_letter, "en", template, version=version, recipient=office))
    for_embassy = text_of(render(demo_letter, "en", template, version=version, recipient=embassy))
    assert "11 Bankova Street" not in generic and "President Volodymyr Zelenskyy" not in generic
    embassy_block = "Ambassador of Ukraine to the Republic of Korea Seoul Republic of Korea"
    assert embassy_block not in generic
    if template == "formal":
        assert "President Volodymyr Zelenskyy 11 Bankova Street 01220, Kyiv Ukraine" in for_office
        assert embassy_block in for_embassy and "Bankova" not in for_embassy
    else:  # the petition names its addressee, without an address
        assert "To: Office of the President of Ukraine" in generic and "To: Office" in for_office
        assert f"To: {embassy.name_en}" in for_embassy and "Office of the President" not in for_embassy


def test_empty_parts_fall_back_only_for_a_single_language_letter(letter):
    letter.salutation_en, letter.salutation_ko = "Dear Minister", ""
    assert letter_context(letter, "ko")["letter"]["salutation"] == ""
    letter.single_language = "en"
    assert letter_context(letter, "ko")["letter"]["salutation"] == "Dear Minister"


def test_names_and_lines_are_escaped(letter, sign):
    sign(name_en="<script>alert(1)</script>", line_en="<img src=x onerror=alert(1)>")
    for template in TEMPLATES:
        html = render(letter, "en", template)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "<script" not in html and "<img" not in html


def test_raw_html_and_images_in_the_body_are_dropped(letter):
    letter.body_en = (
        "Hello <script>alert(1)</script>\n\n![x](http://evil/x.png)\n\n<img src=x onerror=alert(1)>"
    )
    for template in TEMPLATES:
        html = render(letter, "en", template)
        assert "<script" not in html and "<img" not in html
        assert not re.search(r"<[^>]*\ssrc=", html)  # the image became a plain link; nothing is fetched


def test_display_choices_are_honoured(letter, sign):
    sign(name_en="Grace Brewster Hopper", display=Display.INITIALS)
    sign(name_en="Hidden Person", display=Display.COUNTED)
    sign(name_en="Open Society", kind=SignatoryKind.ORGANIZATION)
    context = letter_context(letter, "en")
    assert context["signatories"]["count"] == 3
    assert context["signatories"]["individuals"] == [{"name": "G. B. H.", "line": "", "logo": ""}]
    for template in TEMPLATES:
        text = text_of(render(letter, "en", template, as_of=LIST_DATE))
        assert "G. B. H." in text
        assert "Grace" not in text and "Hopper" not in text
        assert "Hidden Person" not in text
        assert text.index("Open Society") < text.index("G. B. H.")
    assert "3 signatories as of January 5, 2026" in text_of(render(letter, "en", "petition", as_of=LIST_DATE))


def test_templates_cannot_reach_python_internals():
    env = letter_environment()
    with pytest.raises(SecurityError, match="__class__"):
        env.from_string("{{ ''.__class__.__mro__ }}").render()
    with pytest.raises(SecurityError):
        env.from_string("{{ items.append(1) }}").render(items=[])


def test_undefined_names_fail_loudly():
    with pytest.raises(UndefinedError):
        letter_environment().from_string("{{ missing }}").render()


@pytest.mark.parametrize("name", ["nope", "../app", "formal/../../app", ""])
def test_unknown_template_is_a_validation_error(letter, name):
    context = letter_context(letter, "en")
    context["template"] = name
    with pytest.raises(ValidationError) as caught:
        render_letter_html(context)
    assert "template" in caught.value.fields
