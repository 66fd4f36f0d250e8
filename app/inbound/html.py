"""HTML replies made safe to show (no scripts, no remote images) and read as plain text."""

import html
import re

import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "div", "span", "h1", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "ul", "ol", "li",
    "blockquote", "a", "hr", "pre", "code", "table", "thead", "tbody", "tr", "td", "th", "font",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_BLOCK_END = re.compile(r"<\s*(br|/p|/div|/tr|/li|/h\d|/blockquote|hr)\b[^>]*>", re.IGNORECASE)
_GAP = "\ue000"  # marks a paragraph's end while the markup is removed
_PARAGRAPH_END = re.compile(r"<\s*(/p|/div|/h\d|/blockquote|/table|hr)\b[^>]*>", re.IGNORECASE)


def sanitize_html(source):
    """The HTML with only harmless tags left: images (remote or not), scripts, styles and forms dropped."""
    cleaned = nh3.clean(
        source or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 (cleaned by nh3 just above)


def html_to_text(source, paragraphs=False):
    """The readable text of an HTML reply: one line per block (`paragraphs`: a blank line after each
    paragraph), no markup, entities decoded."""
    source = (source or "").replace(_GAP, "")
    marked = _PARAGRAPH_END.sub(f"\n{_GAP}\n", source) if paragraphs else source
    text = html.unescape(nh3.clean(_BLOCK_END.sub("\n", marked), tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    text = "\n".join(line for line in lines if line).strip()
    return re.sub(f"(\n?{_GAP}\n?)+", "\n\n", text).strip(f"{_GAP}\n") if paragraphs else text
