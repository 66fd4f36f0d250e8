"""CSV import of signatures collected elsewhere: a preview with every row checked, then the write."""

import csv
import io
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.errors import ValidationError
from app.core.tokens import make_token, read_token
from app.signatures.models import SignatoryKind, SignatureSource
from app.signatures.normalize import email_key, name_keys
from app.signatures.services import PERSON_FIELDS, add_by_staff, duplicate_of, ensure_open
from app.signatures.validation import clean_sign_on

COLUMNS = ("kind", "name_en", "name_ko", "line", "country", "email", "display")
#: Largest accepted upload; IMPORT_MAX_BYTES in the settings overrides it.
MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
PURPOSE = "signature-import"
#: How long a preview may be imported after the upload.
MAX_AGE = 60 * 60
_STAGED_NAME = re.compile(r"[0-9a-f]{32}\.csv")


@dataclass
class Row:
    """One data row of the file; `number` counts the header as row 1, as a spreadsheet does."""

    number: int
    values: dict
    cleaned: dict | None = None
    #: (field, message) pairs.
    errors: list = field(default_factory=list)
    #: "#12" for a signature already on the letter, "row 3" for an earlier row of the file.
    duplicate_of: str = ""

    @property
    def is_importable(self):
        return self.cleaned is not None and not self.errors and not self.duplicate_of


@dataclass
class Preview:
    rows: list
    token: str

    @property
    def importable(self):
        return [row for row in self.rows if row.is_importable]


def signer_language(cleaned):
    """A signatory known only by a Korean name is written to in Korean."""
    return "ko" if cleaned["name_ko"] and not cleaned["name_en"] else "en"


def template_csv():
    """The header line staff fill in below, with a byte order mark for Excel."""
    return ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode("utf-8")


def read_upload(storage):
    """The uploaded file's bytes, or ValidationError when there is none or it is too large."""
    limit = current_app.config.get("IMPORT_MAX_BYTES", MAX_BYTES)
    data = storage.read(limit + 1) if storage else b""
    if not data:
        raise ValidationError(_l("Choose a CSV file to upload."), fields={"file": _l("Required.")})
    if len(data) > limit:
        kib = limit // 1024
        raise ValidationError(_l("The file is too large (at most %(kib)d KB).", kib=kib))
    return data


def parse(data):
    """[(row number, {column: value})] of a UTF-8 CSV file (with or without BOM) with our header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _l("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        ) from None
    records = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = [name.strip().lower() for name in next(reader, [])]
        if sorted(header) != sorted(COLUMNS):
            raise ValidationError(
                _l("The first line must be this header: %(header)s", header=",".join(COLUMNS))
            )
        for number, cells in enumerate(reader, start=2):
            if any(cell.strip() for cell in cells):
                records.append((number, cells))
    except csv.Error as error:
        raise ValidationError(_l("This is not a readable CSV file: %(error)s", error=str(error))) from None
    if len(records) > MAX_ROWS:
        raise ValidationError(_l("At most %(n)d rows can be imported at once.", n=MAX_ROWS))
    return [(number, _by_column(header, cells)) for number, cells in records]


def _by_column(header, cells):
    values = dict(zip(header, cells, strict=False))
    if len(cells) != len(header):
        values["_cells"] = len(cells)
    return values


def check_rows(letter, records):
    """Every row cleaned as a sign-on, with its errors and whether it duplicates a signature or a row."""
    seen = {}
    rows = []
    for number, values in records:
        row = Row(number, values)
        rows.append(row)
        if "_cells" in values:
            message = _l(
                "This row has %(n)d cells; the header has %(columns)d.",
                n=values["_cells"],
                columns=len(COLUMNS),
            )
            row.errors.append(("", message))
            continue
        try:
            row.cleaned = clean_sign_on({**values, "consent": "y"}, require_email=False)
        except ValidationError as error:
            row.errors.extend(error.fields.items())
            continue
        keys = _keys(row.cleaned)
        existing = duplicate_of(letter, row.cleaned)
        if existing is not None:
            row.duplicate_of = f"#{existing.id}"
        elif earlier := next((seen[key] for key in keys if key in seen), None):
            row.duplicate_of = _l("row %(n)d", n=earlier)
        for key in keys:
            seen.setdefault(key, number)
    return rows


def _keys(cleaned):
    """What makes two rows the same signatory: the email key, an organization's name keys, and for
    an individual without an email, everything that row says about them (as services.same_person)."""
    keys = [("email", email_key(cleaned["email"]))] if cleaned["email"] else []
    if cleaned["kind"] == SignatoryKind.ORGANIZATION:
        keys += [("org", key) for key in name_keys(cleaned["name_en"], cleaned["name_ko"])]
    elif not cleaned["email"]:
        keys.append(("person", *(cleaned.get(name, "") for name in PERSON_FIELDS)))
    return keys


def _folder():
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stage(letter, data):
    """Keep the upload on the server until it is imported; the page carries only a signed name."""
    folder = _folder()
    for old in folder.glob("*.csv"):
        if old.stat().st_mtime < time.time() - 2 * MAX_AGE:
            old.unlink(missing_ok=True)
    name = f"{secrets.token_hex(16)}.csv"
    (folder / name).write_bytes(data)
    return make_token(PURPOSE, {"letter": letter.id, "file": name})


def _staged_path(letter, token):
    found = read_token(PURPOSE, token or "", MAX_AGE)
    name = found.get("file", "") if isinstance(found, dict) else ""
    path = _folder() / name if _STAGED_NAME.fullmatch(name) else None
    if path is None or found.get("letter") != letter.id or not path.is_file():
        raise ValidationError(_l("This preview has expired. Please upload the file again."))
    return path


def preview_upload(letter, storage):
    """Check an uploaded file row by row and keep it for the import; nothing is written to the database."""
    ensure_open(letter)
    data = read_upload(storage)
    rows = check_rows(letter, parse(data))
    return Preview(rows, _stage(letter, data))


def import_staged(letter, token, actor):
    """Add the valid rows of a previewed file that are not duplicates; returns how many were added."""
    rows = check_rows(letter, parse(_staged_path(letter, token).read_bytes()))
    added = 0
    for row in rows:
        if row.is_importable:
            language = signer_language(row.cleaned)
            add_by_staff(letter, row.cleaned, actor, source=SignatureSource.IMPORT, language=language)
            added += 1
    return added


def discard(letter, token):
    """Remove the kept file once its rows are in the database."""
    _staged_path(letter, token).unlink(missing_ok=True)
