"""One raw message read into plain data: headers, text, sanitized HTML, attachments; never raises."""

import email
import email.policy
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import getaddresses, parsedate_to_datetime

from app.inbound.charsets import decode_bytes, decode_header
from app.inbound.dsn import DsnReport, read_dsn
from app.inbound.html import html_to_text, sanitize_html
from app.inbound.names import raw_filename, safe_filename

log = logging.getLogger(__name__)

#: Headers kept for the reason shown to staff and for matching.
HEADERS_OF_INTEREST = (
    "From",
    "To",
    "Cc",
    "Delivered-To",
    "X-Original-To",
    "Reply-To",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "Precedence",
    "Content-Type",
)
#: Headers whose addresses may carry a delivery's reply address.
ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_AUTO_SUBJECT = re.compile(
    r"out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|away from (the )?office"
    r"|부재\s?중|자동\s?회신|자동\s?응답|자동\s?답장",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedMessage:
    """What was read from one message; `error` says why it could not be read at all."""

    subject: str = ""
    sender: str = ""
    addresses: dict = field(default_factory=dict)  # header name -> [address, ...]
    date: datetime | None = None
    message_id: str = ""
    in_reply_to: list = field(default_factory=list)
    references: list = field(default_factory=list)
    text: str = ""
    html: str = ""
    text_from_html: bool = False  # no plain text part: `text` was read from the HTML
    attachments: list = field(default_factory=list)
    headers: dict = field(default_factory=dict)
    auto_reply: str = ""  # why it is an automatic reply ("" when it is not)
    dsn: DsnReport | None = None
    defects: list = field(default_factory=list)
    error: str = ""

    @property
    def is_auto_reply(self):
        return bool(self.auto_reply)


def parse_message(raw):
    """Read `raw` (RFC 5322 bytes); a message the email package cannot read comes back with `error`."""
    try:
        message = email.message_from_bytes(bytes(raw), policy=email.policy.default)
        return _read(message)
    except Exception as error:  # noqa: BLE001 (hostile bytes may break the parser anywhere: held, not lost)
        log.warning("inbound message unreadable: %r", error)
        return ParsedMessage(error=f"unreadable MIME: {type(error).__name__}")


def _read(message):
    headers = _headers(message)
    if not message.keys():
        return ParsedMessage(error="no header lines: not a mail message")
    parsed = ParsedMessage(headers=headers)
    parsed.subject = " ".join(headers.get("Subject", "").split())
    parsed.sender = _addresses(headers.get("From", ""))[:1]
    parsed.sender = parsed.sender[0] if parsed.sender else headers.get("From", "")[:998]
    parsed.addresses = {name: _addresses(headers[name]) for name in ADDRESS_HEADERS if name in headers}
    parsed.date = _date(headers.get("Date", ""))
    ids = _MESSAGE_ID.findall(headers.get("Message-ID", ""))
    parsed.message_id = ids[0] if ids else ""
    parsed.in_reply_to = _MESSAGE_ID.findall(headers.get("In-Reply-To", ""))
    parsed.references = _MESSAGE_ID.findall(headers.get("References", ""))
    parsed.auto_reply = auto_reply_reason(headers)
    parsed.defects = [type(defect).__name__ for defect in message.defects]
    parsed.dsn = read_dsn(message)
    _read_body(message, parsed)
    # PostgreSQL text holds no NUL character.
    parsed.text, parsed.subject = parsed.text.replace("\x00", ""), parsed.subject.replace("\x00", "")
    return parsed


def _headers(message):
    """Headers of interest decoded by our rules (several of one name joined by ", ")."""
    found = {}
    for name, value in message.raw_items():
        key = next((known for known in HEADERS_OF_INTEREST if known.lower() == name.lower()), None)
        if key is None and name.lower() == "envelope-to":
            key = "Envelope-To"
        if key:
            text = decode_header(str(value))
            found[key] = f"{found[key]}, {text}" if key in found else text
    return found


def _addresses(value):
    try:
        pairs = getaddresses([value])
    except Exception:  # noqa: BLE001 (a malformed address list is read as none)
        return []
    return [address for _name, address in pairs if "@" in address]


def _date(value):
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None


def auto_reply_reason(headers):
    """Why these headers mark an automatic reply, or ""."""
    submitted = headers.get("Auto-Submitted", "").strip().lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if headers.get(name, "").strip():
            return f"{name}: {headers[name].strip()}"
    precedence = headers.get("Precedence", "").strip().lower()
    if precedence in ("auto_reply", "bulk", "junk"):
        return f"Precedence: {precedence}"
    match = _AUTO_SUBJECT.search(headers.get("Subject", ""))
    return f"out-of-office subject ({match.group(0)!r})" if match else ""


def _part_text(part):
    data = part.get_payload(decode=True)
    if data is None:  # a multipart without its boundary: its body read as text
        data = str(part.get_payload() or "").encode("utf-8", "surrogateescape")
    return decode_bytes(data, part.get_param("charset") or None)


def _leaves(part, depth=0):
    """The message's leaf parts, not descending into attached messages (a DSN's returned original)."""
    payload = part.get_payload()
    if part.get_content_maintype() == "multipart" and isinstance(payload, list) and depth < 50:
        for child in payload:
            yield from _leaves(child, depth + 1)
    elif part.get_content_maintype() != "message" and part.get_content_type() != "text/rfc822-headers":
        yield part


def _read_body(message, parsed):
    texts, htmls = [], []
    for part in _leaves(message):
        ctype = part.get_content_type()
        disposition = str(part.get("Content-Disposition", "") or "").split(";")[0].strip().lower()
        filename = raw_filename(part)
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            (texts if ctype == "text/plain" else htmls).append(_part_text(part))
        elif part.get_content_maintype() == "multipart":
            texts.append(_part_text(part))
        else:
            data = part.get_payload(decode=True) or b""
            parsed.attachments.append(Attachment(safe_filename(filename, ctype), ctype[:100], data))
    parsed.html = sanitize_html("\n".join(htmls)) if htmls else ""
    parsed.text = "\n".join(texts).strip()
    if not parsed.text and htmls:
        parsed.text, parsed.text_from_html = html_to_text("\n".join(htmls)), True
