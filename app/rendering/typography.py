"""Korean line breaking for WeasyPrint: a Korean word never breaks across lines (CSS keep-all).

WeasyPrint ignores ``word-break: keep-all`` (it rejects the value), and the Unicode line breaking
rules allow a break between any two Hangul syllables, so Korean words would be split anywhere.
keep_words_together() joins the characters of every word that contains Hangul with U+2060 WORD
JOINER, which forbids a break on either side of it: lines then break only at the spaces between
words. The joiner is invisible and never reaches the PDF (Pango shapes it as an empty glyph, which
WeasyPrint does not write), so extracted and copied text stays clean; tests check both.

It works on the text of the finished HTML document, so the letter body (sanitized Markdown) and
every plain text (names, lines, labels) are treated alike. Tags and entities are never cut:
a word is a run of text between white space, and may run through inline tags
(``<strong>국군포로</strong>를``), in which case the joiner also goes where the tag sits.

Why not ``<span style="white-space: nowrap">`` around each word: one inline box per word made
WeasyPrint lay out a Korean letter about five times slower; the joiner costs about half again.
"""

import re

#: U+2060 WORD JOINER: no line break before or after it; zero width; not written to the PDF.
JOINER = "\u2060"

#: A "word" longer than this (in characters) may still break, rather than overflow its column.
MAX_WORD = 24

_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff]")

#: HTML and CSS break at these; U+3000 IDEOGRAPHIC SPACE too. NBSP ("&nbsp;") does not.
_SPACES = re.compile("([ \t\n\r\f\u3000]+)")

#: One unit of text: an entity or a character (entities are never split).
_UNIT = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);|.", re.S)

_TOKENS = re.compile(
    r"""
    (?P<raw><(?P<rawname>style|script|title|textarea|xmp)\b(?:[^>"']|"[^"]*"|'[^']*')*>.*?</(?P=rawname)\s*>)
    | (?P<other><!--.*?-->|<![^>]*>|<\?[^>]*>)
    | (?P<tag></?(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?:[^>"']|"[^"]*"|'[^']*')*>)
    """,
    re.S | re.I | re.X,
)

#: Elements that sit inside a line of text: a word may run through them. Any other tag
#: (a block, <br>, <img>, ...) ends the word.
INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
    ]
)


def _alnum(unit):
    return len(unit) == 1 and unit.isascii() and unit.isalnum()


def _join(units):
    """The units with a joiner between each pair, except inside ASCII words and numbers."""
    out = [units[0]]
    for before, after in zip(units, units[1:], strict=False):
        if not (_alnum(before) and _alnum(after)):
            out.append(JOINER)
        out.append(after)
    return "".join(out)


def _join_word(word):
    """word: list of (is_text, piece). The same pieces, joined where a Korean word could break."""
    texts = [piece for is_text, piece in word if is_text]
    if not _HANGUL.search("".join(texts)):
        return "".join(piece for _is_text, piece in word)
    units = [_UNIT.findall(piece) for piece in texts]
    if sum(map(len, units)) > MAX_WORD:
        return "".join(piece for _is_text, piece in word)
    out, previous, texts_seen = [], None, 0
    for is_text, piece in word:
        if not is_text:
            out.append(piece)
            continue
        current = units[texts_seen]
        texts_seen += 1
        if previous is not None and not (_alnum(previous) and _alnum(current[0])):
            out.append(JOINER)  # the word runs on through a tag
        out.append(_join(current))
        previous = current[-1]
    return "".join(out)


class _Writer:
    """Copies the document, buffering each word until the white space or block that ends it."""

    def __init__(self):
        self.out = []
        self.word = []

    def text(self, text):
        for index, piece in enumerate(_SPACES.split(text)):
            if index % 2:
                self.flush()
                self.out.append(piece)
            elif piece:
                self.word.append((True, piece))

    def tag(self, raw, name):
        if name.lower() in INLINE:
            self.word.append((False, raw))
        else:
            self.other(raw)

    def other(self, raw):
        self.flush()
        self.out.append(raw)

    def flush(self):
        if self.word:
            self.out.append(_join_word(self.word))
            self.word = []

    def result(self):
        self.flush()
        return "".join(self.out)


def keep_words_together(html):
    """The HTML document with every Korean word held together (see the module docstring)."""
    if not _HANGUL.search(html):
        return html
    writer = _Writer()
    position = 0
    for match in _TOKENS.finditer(html):
        if match.start() > position:
            writer.text(html[position : match.start()])
        if match["tag"]:
            writer.tag(match["tag"], match["name"])
        else:
            writer.other(match[0])
        position = match.end()
    writer.text(html[position:])
    return writer.result()
