"""A raw email (.eml) read for logging as a response: headers decoded, text, attachments.

Until the inbound mail parser takes its place, parse_eml() is the one entry point; keep its
interface as it is: parse_eml(raw) -> dict(subject, sender, received_on, text, attachments).
"""

import codecs
import email
import email.header
import email.message
import email.utils
import re
from email import policy
from html.parser import HTMLParser

from flask_babel import lazy_gettext as _l

from app.core.errors import ValidationError

#: Korean mail names its charsets in ways Python reads too narrowly: CP949 is the superset they mean.
_CHARSETS = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601_1987": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "euc-kr": "cp949",
    "euc_kr": "cp949",
    "euckr": "cp949",
    "x-windows-949": "cp949",
    "windows-949": "cp949",
    "uhc": "cp949",
}
_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SKIPPED = {"script", "style", "head", "title"}


def codec(charset):
    """The Python codec for a MIME charset name; UTF-8 for one Python does not know."""
    name = (charset or "").strip().strip('"').lower()
    name = _CHARSETS.get(name, name)
    try:
        return codecs.lookup(name).name if name else "utf-8"
    except LookupError:
        return "utf-8"


def decode_words(value):
    """A header value with its RFC 2047 encoded words decoded, in any charset named."""
    parts = []
    for chunk, charset in email.header.decode_header(str(value or "")):
        if isinstance(chunk, str):  # 8-bit text sent without encoded words: UTF-8, as RFC 6532
            chunk = chunk.encode("utf-8", "surrogateescape")
            charset = charset or "utf-8"
        chunk = chunk.decode(codec(charset) if charset else "utf-8", errors="replace")
        parts.append(chunk)
    return " ".join("".join(parts).split())


def _raw_header(message, name):
    return next((value for key, value in message.raw_items() if key.lower() == name), "")


class _TextOfHtml(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in _SKIPPED
        if tag in _BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        self._skip -= tag in _SKIPPED and self._skip > 0
        if tag in _BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.out.append(data)


def html_to_text(html):
    """The words of an HTML body, never its markup or scripts."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.out).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _part_text(part):
    payload = part.get_payload(decode=True) or b""
    return payload.decode(codec(part.get_content_charset()), errors="replace")


def _raw_param(part, header, name):
    """A header parameter as sent (the parsed header has decoded encoded words in the wrong charset)."""
    holder = email.message.Message()  # compat32: keeps the raw value
    holder[header] = _raw_header(part, header)
    return holder.get_param(name, header=header)


def _filename(part):
    raw = _raw_param(part, "content-disposition", "filename") or _raw_param(part, "content-type", "name")
    if isinstance(raw, tuple):  # RFC 2231: (charset, language, value)
        charset, _language, value = raw
        raw = email.utils.unquote(value).encode("latin-1", "replace").decode(codec(charset), "replace")
    return decode_words(email.utils.collapse_rfc2231_value(raw) if raw else "")


def _walk(message):
    """(plain text, html, attachments) of the message's parts."""
    plain, html, attachments = [], [], []
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        name = _filename(part)
        if part.get_content_disposition() == "attachment" or (name and not kind.startswith("text/")):
            attachments.append((name, kind, part.get_payload(decode=True) or b""))
        elif kind == "text/plain":
            plain.append(_part_text(part))
        elif kind == "text/html":
            html.append(_part_text(part))
    return plain, html, attachments


def _received_on(message):
    try:
        when = email.utils.parsedate_to_datetime(_raw_header(message, "date").strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when.date()  # the day as the sender wrote it


def parse_eml(raw):
    """subject, sender, received_on (None without a readable Date), text and attachments of an email.

    ValidationError (field "file") when `raw` is not an email. Attachment names are as sent:
    callers never use them as paths.
    """
    not_an_email = _l("This file is not an email. Upload a message saved as .eml.")
    if not raw or b"\x00" in raw[:2048]:
        raise ValidationError(not_an_email, fields={"file": not_an_email})
    message = email.message_from_bytes(raw, policy=policy.default)
    sender = decode_words(_raw_header(message, "from"))
    if not sender or not message.raw_items():
        raise ValidationError(not_an_email, fields={"file": not_an_email})
    plain, html, attachments = _walk(message)
    text = "\n\n".join(t.strip() for t in plain) or "\n\n".join(html_to_text(h) for h in html)
    return {
        "subject": decode_words(_raw_header(message, "subject")),
        "sender": sender,
        "received_on": _received_on(message),
        "text": _CONTROL.sub("", text.replace("\r\n", "\n")).strip(),
        "attachments": attachments,
    }
