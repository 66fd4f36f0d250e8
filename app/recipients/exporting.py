"""The registry as a CSV file, in the same columns the import reads."""

import csv
import io

import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.extensions import db
from app.recipients.models import Recipient
from app.recipients.services import recipient_data
from app.recipients.validation import FIELDS
from app.signatures.exporting import neutralize

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
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for recipient in recipients:
        record = export_record(recipient)
        writer.writerow([neutralize(record[column]) for column in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def restore(cell):
    """A cell as it was before to_csv() neutralized it (a fax number such as +380 ... survives)."""
    if cell.startswith("'") and neutralize(cell[1:]) != cell[1:]:
        return cell[1:]
    return cell


def export_filename():
    return f"recipients-{utcnow():%Y-%m-%d}.csv"
