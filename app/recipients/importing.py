"""CSV import of the registry: a preview of what each row would do, then only what staff confirmed."""

import csv
import io
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import ValidationError
from app.core.text import clean_text
from app.core.tokens import make_token, read_token
from app.recipients.exporting import COLUMNS, restore
from app.recipients.services import create_recipient, find_by_name, planned_update, update_recipient
from app.recipients.validation import clean_recipient
from app.signatures.importing import read_upload
from app.signatures.normalize import name_keys

MAX_ROWS = 2000
PURPOSE = "recipient-import"
#: How long a preview may be imported after the upload.
MAX_AGE = 60 * 60
_STAGED_NAME = re.compile(r"[0-9a-f]{32}\.csv")


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


def parse(data):
    """[(row number, {column: value})] of a UTF-8 CSV file (with or without BOM) in the export's columns."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _l("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        ) from None
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = [name.strip().lower() for name in next(reader, [])]
        unknown = [name for name in header if name not in COLUMNS]
        if unknown or len(set(header)) != len(header) or not {"name_en", "name_ko"} & set(header):
            raise ValidationError(
                _l(
                    "The first line must name the columns, among these: %(header)s",
                    header=",".join(COLUMNS),
                )
            )
        records = [(n, cells) for n, cells in enumerate(reader, start=2) if any(c.strip() for c in cells)]
    except csv.Error as error:
        raise ValidationError(_l("This is not a readable CSV file: %(error)s", error=str(error))) from None
    if len(records) > MAX_ROWS:
        raise ValidationError(_l("At most %(n)d rows can be imported at once.", n=MAX_ROWS))
    return [(number, _by_column(header, cells)) for number, cells in records]


def _by_column(header, cells):
    values = {name: restore(cell) for name, cell in zip(header, cells, strict=False)}
    if len(cells) != len(header):
        values["_cells"] = (len(cells), len(header))
    return values


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
    for number, values in records:
        row = Row(number, values)
        rows.append(row)
        if "_cells" in values:
            cells, columns = values["_cells"]
            message = _l("This row has %(n)d cells; the header has %(columns)d.", n=cells, columns=columns)
            row.errors.append(("", message))
            continue
        names = [clean_text(values.get(key) or "") for key in ("name_en", "name_ko")]
        keys = name_keys(*names)
        if earlier := next((seen[key] for key in keys if key in seen), 0):
            row.status, row.duplicate_of = "duplicate", earlier
            continue
        for key in keys:
            seen.setdefault(key, number)
        _check(row, find_by_name(*names))
    return rows


def _folder():
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "recipient-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stage(data):
    """Keep the upload on the server until it is imported; the page carries only a signed name."""
    folder = _folder()
    for old in folder.glob("*.csv"):
        if old.stat().st_mtime < time.time() - 2 * MAX_AGE:
            old.unlink(missing_ok=True)
    name = f"{secrets.token_hex(16)}.csv"
    (folder / name).write_bytes(data)
    return make_token(PURPOSE, {"file": name})


def _staged_path(token):
    found = read_token(PURPOSE, token or "", MAX_AGE)
    name = found.get("file", "") if isinstance(found, dict) else ""
    path = _folder() / name if _STAGED_NAME.fullmatch(name) else None
    if path is None or not path.is_file():
        raise ValidationError(_l("This preview has expired. Please upload the file again."))
    return path


def preview_upload(storage):
    """Check an uploaded file row by row and keep it for the import; nothing is written to the database."""
    data = read_upload(storage)
    rows = check_rows(parse(data))
    return Preview(rows, _stage(data))


def import_staged(token, actor, update_changed=False):
    """Add the new rows of a previewed file, and update the changed ones if asked; (added, updated)."""
    rows = check_rows(parse(_staged_path(token).read_bytes()))
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
    _staged_path(token).unlink(missing_ok=True)
