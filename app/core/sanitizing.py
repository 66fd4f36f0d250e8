"""Markdown to safe HTML: raw HTML is never passed through, and the result is cleaned again."""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

#: Tags a letter body may contain once rendered; no images, scripts, styles or frames.
ALLOWED_TAGS = {
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "hr",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def render_markdown(text):
    """Render Markdown to HTML that is safe to show on a page or in a PDF."""
    html = _markdown.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 (cleaned by nh3 just above)
