"""Uploaded evidence of a timeline event: checked like a delivery proof, stored under a random name."""

import secrets
from pathlib import Path

from flask import current_app

from app.deliveries.proofs import check_proof

CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}


def evidence_folder():
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "timeline"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_upload(upload, field="evidence"):
    """The uploaded file checked (PDF, JPEG or PNG, size-capped, active content refused), or None."""
    if not upload or not getattr(upload, "filename", ""):
        return None
    limit = current_app.config["PROOF_MAX_BYTES"]
    return check_proof(upload.stream.read(limit + 1), upload.filename, field=field)


def store_evidence(event, checked):
    """Write the checked file and point the event at it; the file's name is random. Flushes nothing."""
    name = f"{secrets.token_hex(16)}{checked.extension}"
    path = evidence_folder() / name
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(checked.data)
    tmp.replace(path)
    event.evidence_path = name
    event.evidence_filename = checked.filename


def evidence_file(event):
    """The stored file of the event, or None when there is none or its path would leave the folder."""
    if not event.evidence_path:
        return None
    folder = evidence_folder().resolve()
    path = (folder / event.evidence_path).resolve()
    return path if path.parent == folder and path.is_file() else None


def content_type(event):
    return CONTENT_TYPES.get(Path(event.evidence_path).suffix, "application/octet-stream")
