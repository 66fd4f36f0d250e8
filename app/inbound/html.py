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


def html_to_text(source):
    """The readable text of an HTML reply: one line per block, no markup, entities decoded."""
    marked = _BLOCK_END.sub("\n", source or "")
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line).strip()
