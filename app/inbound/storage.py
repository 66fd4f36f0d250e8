"""Files of filed replies stored as response attachments are: UPLOAD_FOLDER/responses/, random names."""

import hashlib
import secrets
from pathlib import Path

from flask import current_app

#: The responses' attachment folder (app/responses keeps its files there by bare name too).
FOLDER = "responses"


def folder():
    return Path(current_app.config["UPLOAD_FOLDER"]) / FOLDER


def store_file(data, extension=""):
    """Write `data` under a new random name; return (that name, its SHA-256)."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}{extension}"
    tmp = target / f"{name}.tmp"
    tmp.write_bytes(data)
    tmp.replace(target / name)
    return name, hashlib.sha256(data).hexdigest()
