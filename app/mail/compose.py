"""Writing a message: header values on one line, subjects that fit, the MIME email itself."""

import re
from email.message import EmailMessage
from email.utils import make_msgid

#: Everything str.splitlines() breaks on, and every other control character: a header value
#: carrying one could end the header and start another one.
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
ELLIPSIS = "…"


def header_value(value):
    """`value` as one header line: line and paragraph breaks and control characters become spaces."""
    return " ".join(_BREAKS.sub(" ", str(value)).split())


def fit(value, limit):
    """`value` shortened to at most `limit` characters, with an ellipsis where it was cut."""
    if len(value) <= limit:
        return value
    return value[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def build_email(message, sender=None, to=None):
    """The email of an outbox row; `sender` and `to` replace the row's (e.g. an IDNA domain)."""
    sender = header_value(sender or message.sender)
    email = EmailMessage()
    email["From"] = sender
    email["To"] = header_value(to or message.to)
    email["Subject"] = header_value(message.subject)
    email["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].rstrip(">"))
    for name, value in (message.headers or {}).items():
        email[header_value(name)] = header_value(value)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email
