"""CSV import of the registry: a preview of what each row would do, then only what staff confirmed."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.csv_cells import restore
from app.core.csv_import import Staging, parse_csv, read_upload, rows_to_check
from app.core.errors import ValidationError
from app.core.text import clean_text
from app.recipients.exporting import COLUMNS
from app.recipients.services import create_recipient, find_by_name, planned_update, update_recipient
from app.recipients.validation import clean_recipient
from app.signatures.normalize import name_keys

MAX_ROWS = 2000
_staging = Staging("recipient-imports", "recipient-import")


@dataclass
class Row:
    """One data row; `number` counts the header as row 1, as a spreadsheet does."""

    number: int
    values: dict
    #: new, unchanged, changed, duplicate or invalid.
    status: str = "invalid"
    #: (field, message) pairs.
    errors: list = field(default_factory=list)
    #: The recipient the row matches by name, if any.
    recipient: object = None
    #: The fields an update would change.
    changed: list = field(default_factory=list)
    #: The earlier row of the file with the same name.
    duplicate_of: int = 0


@dataclass
class Preview:
    rows: list
    token: str

    def count(self, status):
        return sum(1 for row in self.rows if row.status == status)


def _check_header(header):
    unknown = [name for name in header if name not in COLUMNS]
    if unknown or len(set(header)) != len(header) or not {"name_en", "name_ko"} & set(header):
        raise ValidationError(
            _l("The first line must name the columns, among these: %(header)s", header=",".join(COLUMNS))
        )


def parse(data):
    """[(row number, {column: value})] of a UTF-8 CSV file (with or without BOM) in the export's columns."""
    return parse_csv(data, _check_header, MAX_ROWS, cell=restore)


def _check(row, matches):
    """Set the row's status from the recipients its names match."""
    try:
        if len(matches) > 1:
            names = " / ".join(r.name("en") for r in matches)
            row.errors.append(("", _l("The names match more than one recipient: %(names)s", names=names)))
        elif matches:
            row.recipient = matches[0]
            _cleaned, row.changed = planned_update(row.recipient, row.values)
            row.status = "changed" if row.changed else "unchanged"
        else:
            clean_recipient(row.values)
            row.status = "new"
    except ValidationError as error:
        row.errors.extend(error.fields.items())
    if row.errors:
        row.status = "invalid"


def check_rows(records):
    """Every row with what importing it would do: add, update, nothing, or why it cannot."""
    seen, rows = {}, []
    for row in rows_to_check(records, Row, rows):
        names = [clean_text(row.values.get(key) or "") for key in ("name_en", "name_ko")]
        keys = name_keys(*names)
        if earlier := next((seen[key] for key in keys if key in seen), 0):
            row.status, row.duplicate_of = "duplicate", earlier
            continue
        for key in keys:
            seen.setdefault(key, row.number)
        _check(row, find_by_name(*names))
    return rows


def preview_upload(storage):
    """Check an uploaded file row by row and keep it for the import; nothing is written to the database."""
    data = read_upload(storage)
    rows = check_rows(parse(data))
    return Preview(rows, _staging.stage(data))


def import_staged(token, actor, update_changed=False):
    """Add the new rows of a previewed file, and update the changed ones if asked; (added, updated)."""
    rows = check_rows(parse(_staging.path(token).read_bytes()))
    added = updated = 0
    for row in rows:
        if row.status == "new":
            create_recipient(row.values, actor)
            added += 1
        elif row.status == "changed" and update_changed:
            update_recipient(row.recipient, row.values, actor)
            updated += 1
    audit.record("recipient.import", actor=actor, added=added, updated=updated)
    return added, updated


def discard(token):
    """Remove the kept file once its rows are in the database."""
    _staging.path(token).unlink(missing_ok=True)
