"""A letter's signatures as staff see them: the filtered list, counts per status, CSV and JSON."""

import json

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from app.core.csv_cells import csv_bytes
from app.core.timeutil import utcnow
from app.extensions import db
from app.signatures.models import Signatory, Signature, SignatureStatus
from app.signatures.normalize import email_key
from app.signatures.public import PUBLIC_ORDER

#: Columns of the export, in order: every field staff see on the moderation page, and a few more.
COLUMNS = (
    "id",
    "status",
    "kind",
    "name_en",
    "name_ko",
    "line_en",
    "line_ko",
    "country",
    "email",
    "contact_name",
    "website",
    "display",
    "has_consented",
    "source",
    "hold_reason",
    "rejection_reason",
    "position",
    "version",
    "merged_into_id",
    "created_at",
    "confirmed_at",
    "approved_at",
    "withdrawn_at",
)
#: Columns that belong to the signature; the others are the signatory's.
_OF_SIGNATURE = {"id", "status", "source", "hold_reason", "rejection_reason", "position", "merged_into_id"}
_OF_SIGNATURE |= {"created_at", "confirmed_at", "approved_at", "withdrawn_at"}
#: What the search box looks in.
_SEARCHED = (Signatory.name_en, Signatory.name_ko, Signatory.email, Signatory.contact_name)


def listing_query(letter, statuses=(), q=None):
    """The letter's signatures in the order of the public list, optionally in `statuses` and by name/email."""
    query = (
        sa.select(Signature)
        .join(Signature.signatory)
        .options(contains_eager(Signature.signatory))
        .where(Signature.letter_id == letter.id)
    )
    if statuses:
        query = query.where(Signature.status.in_(statuses))
    if q:
        query = query.where(
            sa.or_(
                Signatory.email_key == email_key(q),
                *(column.icontains(q, autoescape=True) for column in _SEARCHED),
            )
        )
    return query.order_by(*PUBLIC_ORDER)


def status_counts(letter):
    """{status: number of the letter's signatures in it}, every status present."""
    rows = db.session.execute(
        sa.select(Signature.status, sa.func.count())
        .where(Signature.letter_id == letter.id)
        .group_by(Signature.status)
    ).all()
    counts = dict.fromkeys(SignatureStatus, 0)
    counts.update(dict(rows))
    return counts


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if isinstance(value, str) else value


def signature_record(signature):
    """Every column of the export for one signature, as plain JSON values."""
    signatory = signature.signatory
    record = {}
    for column in COLUMNS:
        if column == "version":
            value = signature.version.number
        else:
            value = getattr(signature if column in _OF_SIGNATURE else signatory, column)
        record[column] = _plain(value)
    return record


def export_records(letter):
    signatures = db.session.scalars(listing_query(letter).options(selectinload(Signature.version)))
    return [signature_record(signature) for signature in signatures]


def to_csv(records):
    """UTF-8 CSV with a byte order mark, so that Excel reads Korean names right."""
    return csv_bytes(COLUMNS, ([record[column] for column in COLUMNS] for record in records))


def to_json(records):
    return json.dumps({"signatures": records}, ensure_ascii=False, indent=1).encode("utf-8")


def export_filename(letter, extension):
    return f"signatures-{letter.slug}-{utcnow():%Y-%m-%d}.{extension}"
