"""Cleaning user text: Unicode NFC, no control or zero-width characters at the edges, no HTML."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l

#: Characters that are invisible or control the layout: stripped at the edges, refused inside.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>")
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\s*[\[(]")


def clean_text(value, multiline=False):
    """NFC-normalize, unify line ends, strip white space and invisible characters at the edges."""
    value = unicodedata.normalize("NFC", value or "")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = " ".join(value.split("\n"))
    return value.strip(" \t\n" + _INVISIBLE)


def text_problem(value, limit, markdown=False):
    """A message saying what is wrong with `value`, or None when it is acceptable."""
    if len(value) > limit:
        return _l("At most %(n)d characters (this has %(count)d).", n=limit, count=len(value))
    if _CONTROL.search(value):
        return _l("Remove the control characters from this text.")
    if _HTML_TAG.search(value):
        if markdown:
            return _l(
                "HTML is not allowed here; use Markdown (**bold**, *italic*, lists, > quotes, [links](https://...))."
            )
        return _l("HTML is not allowed here.")
    if markdown and _MARKDOWN_IMAGE.search(value):
        return _l("Images are not allowed in the letter text.")
    return None
