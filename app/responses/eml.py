"""A raw email (.eml) read for logging as a response, through the same parser as the mailbox.

parse_eml(raw) -> dict(subject, sender, received_on, text, attachments).
"""

import re

from flask_babel import lazy_gettext as _l

from app.core.errors import ValidationError
from app.inbound.html import html_to_text
from app.inbound.parsing import parse_message

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def parse_eml(raw):
    """subject, sender, received_on (None without a readable Date), text and attachments of an email.

    ValidationError (field "file") when `raw` is not an email. Attachment names are made safe by
    the parser; callers still never use them as paths.
    """
    not_an_email = _l("This file is not an email. Upload a message saved as .eml.")
    if not raw or b"\x00" in raw[:2048]:
        raise ValidationError(not_an_email, fields={"file": not_an_email})
    parsed = parse_message(raw)
    sender = " ".join(parsed.headers.get("From", "").split())
    if parsed.error or not sender:
        raise ValidationError(not_an_email, fields={"file": not_an_email})
    text = html_to_text(parsed.html, paragraphs=True) if parsed.text_from_html else parsed.text
    return {
        "subject": parsed.subject,
        "sender": sender,
        "received_on": parsed.date.date() if parsed.date else None,  # the day as the sender wrote it
        "text": _CONTROL.sub("", text.replace("\r\n", "\n")).strip(),
        "attachments": [(a.filename, a.content_type, a.data) for a in parsed.attachments],
    }
