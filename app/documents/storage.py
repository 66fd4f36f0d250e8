"""Where rendered PDFs live on disk: one file per document, named by its token, written atomically."""

import os
import tempfile
from pathlib import Path

from flask import current_app


def document_folder():
    configured = current_app.config.get("DOCUMENT_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "documents"


def path_for(token):
    """The file of a document; tokens are URL-safe base64, so they never walk out of the folder."""
    if not token or "/" in token or token.startswith("."):
        raise ValueError("not a document token")
    return document_folder() / token[:2] / f"{token}.pdf"


def write_atomically(path, data):
    """Write to a temporary file beside `path`, then rename: a reader sees all of it or nothing.

    OSError (ENOSPC on a full disk among them) reaches the caller; the temporary file is removed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def has_file(token):
    return path_for(token).is_file()


def read(token):
    return path_for(token).read_bytes()


def remove(token):
    """Delete a document's file, if there is one."""
    path_for(token).unlink(missing_ok=True)
