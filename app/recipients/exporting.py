"""The registry as a CSV file, in the same columns the import reads."""

import sqlalchemy as sa

from app.core.csv_cells import csv_bytes
from app.core.timeutil import utcnow
from app.extensions import db
from app.recipients.models import Recipient
from app.recipients.services import recipient_data
from app.recipients.validation import FIELDS

COLUMNS = FIELDS


def export_record(recipient):
    """One recipient as CSV cells: emails one a line, tags separated by commas."""
    record = recipient_data(recipient)
    record["emails"] = "\n".join(record["emails"])
    record["tags"] = ", ".join(record["tags"])
    return record


def registry():
    """Every recipient, oldest first, so that an export is in a stable order."""
    return list(db.session.scalars(sa.select(Recipient).order_by(Recipient.id)))


def to_csv(recipients):
    """UTF-8 CSV with a byte order mark (Excel reads Korean right); formula-like cells neutralized."""
    records = (export_record(recipient) for recipient in recipients)
    return csv_bytes(COLUMNS, ([record[column] for column in COLUMNS] for record in records))


def export_filename():
    return f"recipients-{utcnow():%Y-%m-%d}.csv"
