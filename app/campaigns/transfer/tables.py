"""Which rows and files belong to a campaign, and how column values are written to JSON and back."""

import base64
import enum
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.documents import storage

#: Each table of a campaign, with the links that pull its rows in: (column, table, column) means
#: "rows whose column is among the values of that column in the rows of that table taken so far".
SELECTION = (
    ("letters", [("campaign_id", "campaigns", "id")]),
    ("letter_revisions", [("letter_id", "letters", "id")]),
    ("letter_versions", [("letter_id", "letters", "id")]),
    ("letter_recipients", [("letter_id", "letters", "id")]),
    ("letter_version_recipients", [("version_id", "letter_versions", "id")]),
    ("delivery_batches", [("letter_id", "letters", "id")]),
    ("delivery_cover_messages", [("letter_id", "letters", "id")]),
    ("documents", [("letter_id", "letters", "id")]),
    ("signatures", [("letter_id", "letters", "id")]),
    ("signatories", [("id", "signatures", "signatory_id")]),
    ("deliveries", [("letter_id", "letters", "id")]),
    ("delivery_events", [("delivery_id", "deliveries", "id")]),
    ("delivery_proofs", [("delivery_id", "deliveries", "id")]),
    ("delivery_partner_links", [("delivery_id", "deliveries", "id")]),
    ("delivery_partner_reports", [("delivery_id", "deliveries", "id")]),
    ("responses", [("letter_id", "letters", "id")]),
    ("response_attachments", [("response_id", "responses", "id")]),
    ("response_deliveries", [("response_id", "responses", "id")]),
    ("inbound_messages", [("delivery_id", "deliveries", "id"), ("response_id", "responses", "id")]),
    ("status_events", [("campaign_id", "campaigns", "id")]),
    ("update_notices", [("letter_id", "letters", "id")]),
    ("update_mails", [("notice_id", "update_notices", "id")]),
    (
        "recipients",
        [
            ("id", "letter_recipients", "recipient_id"),
            ("id", "letter_version_recipients", "recipient_id"),
            ("id", "documents", "recipient_id"),
            ("id", "deliveries", "recipient_id"),
            ("id", "responses", "recipient_id"),
        ],
    ),
    ("recipient_tags", [("recipient_id", "recipients", "id")]),
)

#: Tables no campaign archive holds: staff, their sessions and their campaign roles (staff are named
#: by email), the audit log, mail (addresses and texts of people, blanked after MAIL_RETENTION_DAYS),
#: the mailbox, and staff jobs (work under way, not the campaign's record).
NOT_EXPORTED = frozenset(
    {
        "users",
        "api_tokens",
        "login_throttles",
        "campaign_members",
        "audit_log",
        "outbox_messages",
        "mailbox_states",
        "staff_jobs",
    }
)

#: The files rows point at: (table, column, folder kind).
FILES = (
    ("signatories", "logo_path", "logos"),
    ("delivery_proofs", "path", "proofs"),
    ("response_attachments", "storage_path", "responses"),
    ("status_events", "evidence_path", "timeline"),
    ("documents", "token", "documents"),
)


def file_path(kind, name):
    """Where a file of `kind` named `name` lives in this instance's file store; None if unsafe."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    if kind == "documents":
        return storage.path_for(name)
    return Path(current_app.config["UPLOAD_FOLDER"]) / kind / name


def encode(column, value):
    """A column's value as JSON can hold it."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def decode(column, value):
    """The value encode() wrote, back as the column takes it."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        return kind.enum_class(value)
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value)
    python_type = _python_type(kind)
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    return value


def _python_type(kind):
    if isinstance(kind, sa.types.TypeDecorator):
        kind = kind.impl
    try:
        return kind.python_type
    except NotImplementedError:
        return None
