"""CSV import of signatures collected elsewhere: a preview with every row checked, then the write."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.core.csv_import import Staging, parse_csv, read_upload, rows_to_check
from app.core.errors import ValidationError
from app.signatures.models import SignatoryKind, SignatureSource
from app.signatures.normalize import email_key, name_keys
from app.signatures.services import PERSON_FIELDS, add_by_staff, duplicate_of, ensure_open
from app.signatures.validation import clean_sign_on

COLUMNS = ("kind", "name_en", "name_ko", "line", "country", "email", "display")
MAX_ROWS = 5000
_staging = Staging("imports", "signature-import")


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


def _check_header(header):
    if sorted(header) != sorted(COLUMNS):
        raise ValidationError(_l("The first line must be this header: %(header)s", header=",".join(COLUMNS)))


def parse(data):
    """[(row number, {column: value})] of a UTF-8 CSV file (with or without BOM) with our header."""
    return parse_csv(data, _check_header, MAX_ROWS)


def check_rows(letter, records):
    """Every row cleaned as a sign-on, with its errors and whether it duplicates a signature or a row."""
    seen, rows = {}, []
    for row in rows_to_check(records, Row, rows):
        try:
            row.cleaned = clean_sign_on({**row.values, "consent": "y"}, require_email=False)
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
            seen.setdefault(key, row.number)
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


def preview_upload(letter, storage):
    """Check an uploaded file row by row and keep it for the import; nothing is written to the database."""
    ensure_open(letter)
    data = read_upload(storage)
    rows = check_rows(letter, parse(data))
    return Preview(rows, _staging.stage(data, letter=letter.id))


def staged_bytes(letter, token):
    """The previewed file kept for the import; ValidationError when it is gone or not this letter's."""
    return _staging.path(token, letter=letter.id).read_bytes()


def import_staged(letter, token, actor, on_row=None):
    """Add the valid rows of a previewed file that are not duplicates; returns how many were added.

    `on_row(added, importable)` is called after each row is added.
    """
    rows = [row for row in check_rows(letter, parse(staged_bytes(letter, token))) if row.is_importable]
    for added, row in enumerate(rows, 1):
        language = signer_language(row.cleaned)
        add_by_staff(letter, row.cleaned, actor, source=SignatureSource.IMPORT, language=language)
        if on_row is not None:
            on_row(added, len(rows))
    return len(rows)


def discard(letter, token):
    """Remove the kept file once its rows are in the database."""
    _staging.path(token, letter=letter.id).unlink(missing_ok=True)
