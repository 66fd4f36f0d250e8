"""Attachments of inbound mail stored under UPLOAD_FOLDER/inbound/ by random names, with SHA-256."""

import hashlib
import secrets
from pathlib import Path

from flask import current_app

FOLDER = "inbound"


def folder():
    return Path(current_app.config["UPLOAD_FOLDER"]) / FOLDER


def store_attachment(data):
    """Write `data` under a random name; return (path relative to the upload folder, sha256)."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()
    # The hash leads the name (a response attachment has no column of its own for it).
    name = f"{digest}-{secrets.token_hex(8)}"
    (target / name).write_bytes(data)
    return f"{FOLDER}/{name}", digest


def attachment_path(relative):
    """The file of a stored attachment, refusing any path outside the inbound folder."""
    base = folder().resolve()
    path = (Path(current_app.config["UPLOAD_FOLDER"]) / relative).resolve()
    if base not in path.parents:
        raise FileNotFoundError(relative)
    return path
