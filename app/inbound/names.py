"""Attachment names: read from the raw headers (RFC 2231 and 2047, any charset), made safe to show."""

import re
import unicodedata
from urllib.parse import unquote_to_bytes

from app.inbound.charsets import decode_bytes, decode_header

_PARAM = re.compile(
    r"""(?:^|;)\s*(?P<name>file)?name(?:\*(?P<section>\d+))?(?P<star>\*)?\s*=\s*(?P<value>"(?:[^"\\]|\\.)*"|[^;]*)""",
    re.IGNORECASE,
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "text/plain": ".txt"}


def raw_filename(part):
    """The attachment's name as sent: Content-Disposition's filename, else Content-Type's name."""
    headers = {name.lower(): str(value) for name, value in part.raw_items()}
    for header, wanted in (("content-disposition", True), ("content-type", False)):
        name = _param(re.sub(r"\r?\n[ \t]", " ", headers.get(header, "")), wanted)
        if name:
            return name
    return ""


def _param(value, filename):
    sections = []
    for match in _PARAM.finditer(value):
        if bool(match.group("name")) != filename:
            continue
        text = match.group("value").strip()
        if text.startswith('"'):
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        sections.append((int(match.group("section") or 0), bool(match.group("star")), text))
    if not sections:
        return ""
    sections.sort(key=lambda section: section[0])
    if any(star for _n, star, _t in sections):
        return _rfc2231(sections)
    return decode_header("".join(text for _n, _s, text in sections))


def _rfc2231(sections):
    charset, data = None, b""
    for index, (_number, star, text) in enumerate(sections):
        if index == 0 and star and text.count("'") >= 2:
            charset, _language, text = text.split("'", 2)
        data += unquote_to_bytes(text) if star else text.encode("utf-8", "surrogateescape")
    return decode_bytes(data, charset)


def safe_filename(name, content_type=""):
    """A name to show and offer for download, never a path: no directories, controls or leading dots."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(_UNSAFE.sub("_", name).split()).strip("._ ")[:150]
    if not name:
        name = "attachment" + _EXTENSIONS.get(content_type, "")
    return name
