"""Reading an uploaded CSV file and keeping it between the preview and the import."""

import csv
import io
import re
import secrets
import time
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.errors import ValidationError
from app.core.tokens import make_token, read_token

#: Largest accepted upload; IMPORT_MAX_BYTES in the settings overrides it.
MAX_BYTES = 1024 * 1024
#: How long a preview may be imported after the upload.
MAX_AGE = 60 * 60
_STAGED_NAME = re.compile(r"[0-9a-f]{32}\.csv")


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


def parse_csv(data, check_header, max_rows, cell=str):
    """[(row number, {column: cell(value)})] of a UTF-8 CSV file (with or without BOM), blank rows left out.

    `check_header` gets the lower-cased column names and raises ValidationError when they will not do.
    A row with the wrong number of cells carries "_cells": (cells, columns); see rows_to_check().
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _l("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        ) from None
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = [name.strip().lower() for name in next(reader, [])]
        check_header(header)
        records = [(n, cells) for n, cells in enumerate(reader, start=2) if any(c.strip() for c in cells)]
    except csv.Error as error:
        raise ValidationError(_l("This is not a readable CSV file: %(error)s", error=str(error))) from None
    if len(records) > max_rows:
        raise ValidationError(_l("At most %(n)d rows can be imported at once.", n=max_rows))
    return [(number, _by_column(header, cells, cell)) for number, cells in records]


def _by_column(header, cells, cell):
    values = {name: cell(value) for name, value in zip(header, cells, strict=False)}
    if len(cells) != len(header):
        values["_cells"] = (len(cells), len(header))
    return values


def _cell_count_error(values):
    if "_cells" not in values:
        return None
    cells, columns = values["_cells"]
    return _l("This row has %(n)d cells; the header has %(columns)d.", n=cells, columns=columns)


def rows_to_check(records, make_row, rows):
    """Append make_row(number, values) to `rows` for each record; yield those whose cells fit the header.

    A row with the wrong number of cells gets its error here and is not yielded.
    """
    for number, values in records:
        row = make_row(number, values)
        rows.append(row)
        if message := _cell_count_error(values):
            row.errors.append(("", message))
        else:
            yield row


class Staging:
    """Uploads kept on the server until they are imported; the page carries only a signed name."""

    def __init__(self, folder_name, purpose):
        self.folder_name = folder_name
        self.purpose = purpose

    def _folder(self):
        folder = Path(current_app.config["UPLOAD_FOLDER"]) / self.folder_name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def stage(self, data, **claims):
        """Keep `data` and return a signed token naming it, with `claims` the import must match."""
        folder = self._folder()
        for old in folder.glob("*.csv"):
            if old.stat().st_mtime < time.time() - 2 * MAX_AGE:
                old.unlink(missing_ok=True)
        name = f"{secrets.token_hex(16)}.csv"
        (folder / name).write_bytes(data)
        return make_token(self.purpose, {**claims, "file": name})

    def path(self, token, **claims):
        """The kept file a token names, or ValidationError when it expired or its claims differ."""
        found = read_token(self.purpose, token or "", MAX_AGE)
        found = found if isinstance(found, dict) else {}
        name = found.get("file", "")
        path = self._folder() / name if _STAGED_NAME.fullmatch(name) else None
        matches = all(found.get(key) == value for key, value in claims.items())
        if path is None or not matches or not path.is_file():
            raise ValidationError(_l("This preview has expired. Please upload the file again."))
        return path
