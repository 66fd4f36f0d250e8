"""An erased person's names, addresses and links taken out of stored mail and the audit log."""

import json
import logging
import re
from email.utils import getaddresses

import sqlalchemy as sa

from app.core.audit import AuditLog
from app.extensions import db
from app.mail.models import MailStatus, OutboxMessage
from app.signatures.normalize import email_key

log = logging.getLogger(__name__)

#: Strings shorter than this are too common to search for (a one-letter line, "Li" inside words).
MIN_LENGTH = 2
#: Any link: the mails to the person carry only their own (confirm, withdraw, reconfirm).
_URL = re.compile(r"https?://[^\s<>\"']+")
#: Mail that never left: deleted rather than blanked, so it can never be sent.
UNSENT = (MailStatus.QUEUED, MailStatus.FAILED)


def personal_strings(signatories, *extra):
    """What identifies the person or says how to reach them, longest first (so parts come last)."""
    fields = ("name_en", "name_ko", "contact_name", "email", "line_en", "line_ko", "website")
    values = {getattr(s, field).strip() for s in signatories for field in fields} | {e.strip() for e in extra}
    return sorted((v for v in values if len(v) >= MIN_LENGTH), key=len, reverse=True)


def _pattern(needles):
    def one(needle):
        text = re.escape(needle)
        if needle.isascii():  # a whole word: "Jane" is not erased from "Janet"
            text = (r"(?<!\w)" if needle[0].isalnum() else "") + text
            text += r"(?!\w)" if needle[-1].isalnum() else ""
        return text

    return re.compile("|".join(one(n) for n in needles), re.IGNORECASE) if needles else None


def redact(value, pattern, links=False):
    """`value` with every match blanked (and every link, with `links`); JSON values walked through."""
    if isinstance(value, dict):
        return {key: redact(item, pattern, links) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item, pattern, links) for item in value]
    if not isinstance(value, str):
        return value
    if links:
        value = _URL.sub("", value)
    return pattern.sub("", value) if pattern is not None else value


def _mentioning(columns, needles):
    """A condition: one of the columns contains one of the strings, as typed or as JSON escapes it."""
    forms = {form for n in needles for form in (n, json.dumps(n)[1:-1])}
    return sa.or_(*(column.icontains(form, autoescape=True) for column in columns for form in forms))


def _is_to(to, keys):
    return any(email_key(address) in keys for _name, address in getaddresses([to]) if address)


def _addressed_to(keys):
    """{id: address} of the messages to the person under any spelling of their address."""
    rows = db.session.execute(sa.select(OutboxMessage.id, OutboxMessage.to)).all()
    return {row.id: row.to for row in rows if _is_to(row.to, keys)}


#: The text of a message that may name the person or hold their address or links.
_TEXTS = ("subject", "body_text", "body_html", "last_error")


def _candidates(needles, to_them):
    """Mail to the person, and mail whose text, address or headers mention them; locked."""
    condition = OutboxMessage.id.in_(sorted(to_them))
    if needles:
        columns = [getattr(OutboxMessage, name) for name in (*_TEXTS, "to")]
        condition = sa.or_(
            condition, _mentioning((*columns, sa.cast(OutboxMessage.headers, sa.Text)), needles)
        )
    return sa.select(OutboxMessage).where(condition).with_for_update()


def _blank(message, pattern, mine):
    message.to = "" if mine else redact(message.to, pattern)
    for name in _TEXTS:
        setattr(message, name, redact(getattr(message, name), pattern, links=mine))
    message.headers = redact(dict(message.headers or {}), pattern, links=mine)


def scrub_outbox(needles, keys):
    """Delete unsent mail to the person; blank their address, names and links in every other message.

    `keys` are the person's email keys (signatures.normalize.email_key). Returns (deleted, blanked).
    """
    to_them = _addressed_to(set(keys) - {""})
    spellings = {address for _name, address in getaddresses(list(to_them.values()))}
    needles = personal_strings([], *needles, *spellings)  # each spelling is blanked wherever it appears
    pattern, deleted, blanked = _pattern(needles), 0, 0
    for message in db.session.scalars(_candidates(needles, to_them)):
        mine = message.id in to_them
        if mine and message.status in UNSENT:
            db.session.delete(message)
            deleted += 1
        else:
            _blank(message, pattern, mine)
            blanked += 1
    db.session.flush()
    log.info("erasure: %s unsent messages deleted, %s messages blanked", deleted, blanked)
    return deleted, blanked


def scrub_audit(needles):
    """Blank the strings wherever an audit entry's details (or before/after) hold them; returns the count.

    The audit log is append-only; on PostgreSQL its trigger lets only this blanking through, while
    `undersigned.audit_erasure` is on for the transaction.
    """
    if not needles:
        return 0
    pattern, changed = _pattern(needles), 0
    columns = tuple(sa.cast(c, sa.Text) for c in (AuditLog.details, AuditLog.before, AuditLog.after))
    query = sa.select(AuditLog).where(_mentioning(columns, needles))
    entries = db.session.scalars(query).all()
    if entries and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT set_config('undersigned.audit_erasure', 'on', true)"))
    for entry in entries:
        blanked = {c: redact(getattr(entry, c), pattern) for c in ("details", "before", "after")}
        if any(blanked[c] != getattr(entry, c) for c in blanked):
            for column, value in blanked.items():
                setattr(entry, column, value)
            changed += 1
    db.session.flush()
    if entries and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT set_config('undersigned.audit_erasure', 'off', true)"))
    return changed
