"""Cleaning user text: Unicode NFC, no control or zero-width characters at the edges, no HTML.

The one rule for every free-text field is `check_text` (clean, then say what is wrong);
`clean_text` and `text_problem` are its two halves, for callers that clean in their own way
(signatory names fold their white space first, app.signatures.normalize.clean_name).
"""

import re
import unicodedata

from flask_babel import lazy_gettext as _l

#: Characters that are invisible or control the layout: stripped at the edges.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
#: Every line and paragraph separator (those str.splitlines() knows): none may be in a one-line
#: text, which can become an email header (a title is the subject of the mails about a letter).
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
#: Characters that reorder text invisibly: bidi embeddings, overrides, isolates and marks.
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>")
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\s*[\[(]")


def _normalized(value, multiline):
    value = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n")
    return _LINE_BREAK.sub("\n", value) if multiline else value


def _strip(value):
    return value.strip(" \t\n" + _INVISIBLE)


def clean_text(value, multiline=False):
    """NFC-normalize, unify line ends, strip white space and invisible characters at the edges.

    A multiline text gets every kind of line break as "\\n"; a one-line text gets its "\\n"
    and "\\r" folded to spaces (the other separators stay, for `text_problem` to refuse).
    """
    value = _normalized(value, multiline)
    if not multiline:
        value = " ".join(value.replace("\r", "\n").split("\n"))
    return _strip(value)


def _is_control(char, one_line):
    if char == "\n" or (char == "\t" and not one_line):
        return False  # line breaks are judged above; a tab may indent a multiline text
    return unicodedata.category(char) in ("Cc", "Cs") or bool(_BIDI.match(char))


def text_problem(value, limit, markdown=False, one_line=False):
    """A message saying what is wrong with `value`, or None when it is acceptable.

    Refused everywhere: control characters (C0, C1, DEL), lone surrogates, bidi controls and marks
    (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069). With `one_line`, any line break too;
    otherwise only "\\n" and tabs pass.
    """
    if len(value) > limit:
        return _l("At most %(n)d characters (this has %(count)d).", n=limit, count=len(value))
    breaks = _LINE_BREAK.findall(value)
    if breaks and (one_line or set(breaks) != {"\n"}):
        return _l("This text must stay on one line: remove the line break.")
    if any(_is_control(char, one_line) for char in value):
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


def check_text(value, limit, multiline=False, markdown=False):
    """(cleaned value, problem or None): the rule every free-text field is checked by.

    A one-line field (a title, a name, a place) refuses every line break and control character,
    so it is safe in an email header; a multiline one (a body, an address) keeps its line breaks.
    """
    value = _strip(_normalized(value, multiline))
    return value, text_problem(value, limit, markdown=markdown, one_line=not multiline)
