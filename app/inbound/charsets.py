"""Bytes to text the way Korean mail needs it: CP949 for every EUC-KR label, broken RFC 2047 repaired."""

import base64
import binascii
import codecs
import quopri
import re

#: Labels of Korean text decoded as CP949, a superset of EUC-KR. Python maps `ks_c_5601-1987` (how
#: Outlook and Korean Windows label CP949) to EUC-KR, which turns syllables such as 똠 or 펲 into
#: replacement characters.
CP949_LABELS = frozenset(
    {
        "ks_c_5601-1987",
        "ks_c_5601_1987",
        "ks_c_5601",
        "ksc5601",
        "ksc_5601",
        "ks_c_5601-1989",
        "euc-kr",
        "euc_kr",
        "euckr",
        "x-euc-kr",
        "cp949",
        "ms949",
        "uhc",
        "windows-949",
        "x-windows-949",
        "korean",
    }
)
#: Labels often put on text that is really UTF-8 or CP949 (a wrong label): tried after those two.
WEAK_LABELS = frozenset({"us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252"})

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?(.*?)\?=", re.DOTALL)
_BETWEEN_WORDS = re.compile(r"\A\s*\Z")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


def codec_for(label):
    """The Python codec for a MIME charset label, or None when Python does not know it."""
    label = (label or "").strip().strip('"').lower()
    if not label:
        return None
    if label in CP949_LABELS:
        return "cp949"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _mostly_hangul(text):
    wide = [char for char in text if ord(char) > 127]
    return bool(wide) and len(_HANGUL.findall(text)) * 2 >= len(wide)


def _strict(data, codec):
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data, label=None):
    """Text from `data` labelled `label`; never raises.

    Bytes that are valid UTF-8 are UTF-8 whatever the label says (Korean EUC-KR text almost never
    is valid UTF-8); else the label's codec; else CP949 when that gives Korean; else replacement.
    """
    if data.isascii():
        return _strict(data, codec_for(label) or "ascii") or data.decode("ascii")
    codec = codec_for(label)
    text = _strict(data, "utf-8")
    if text is None and codec and (label or "").strip().lower() not in WEAK_LABELS:
        text = _strict(data, codec)
    if text is None:
        korean = _strict(data, "cp949")
        text = korean if korean is not None and _mostly_hangul(korean) else None
    if text is None and codec:
        text = _strict(data, codec)
    return text if text is not None else data.decode(codec or "utf-8", "replace")


def _word_bytes(encoding, text):
    if encoding.lower() == "b":
        compact = re.sub(r"\s+", "", text)
        compact += "=" * (-len(compact) % 4)
        try:
            return base64.b64decode(compact)
        except (binascii.Error, ValueError):
            return text.encode("ascii", "replace")
    return quopri.decodestring(text.replace("_", " ").encode("ascii", "replace"), header=False)


def decode_header(value):
    """A header's text with its encoded words decoded and repaired; raw 8-bit bytes decoded too.

    Repairs: an encoded word folded in the middle (whitespace inside it), adjacent words of one
    charset whose bytes were split in the middle of a character (their bytes are joined before
    decoding), a wrong or unknown charset label (UTF-8, then CP949 is tried).
    """
    value = re.sub(r"\r?\n[ \t]", " ", value or "")
    if _has_escapes(value):
        value = decode_bytes(value.encode("utf-8", "surrogateescape"))
    pieces = []  # (label or None, bytes or str)
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        if between and not (pieces and _BETWEEN_WORDS.match(between) and pieces[-1][0] is not None):
            pieces.append((None, between))
        label, encoding, text = match.groups()
        data = _word_bytes(encoding, text)
        if pieces and pieces[-1][0] is not None and pieces[-1][0] == label.lower().split("*")[0]:
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + data)
        else:
            pieces.append((label.lower().split("*")[0], data))
        position = match.end()
    pieces.append((None, value[position:]))
    return "".join(part if label is None else decode_bytes(part, label) for label, part in pieces).strip()


def _has_escapes(value):
    return any("\udc80" <= char <= "\udcff" for char in value)
