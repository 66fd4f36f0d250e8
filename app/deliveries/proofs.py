"""Proof files of a delivery: PDF, JPEG or PNG by content, images re-encoded, kept with their SHA-256."""

import contextlib
import hashlib
import io
import logging
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from app.core.errors import ValidationError
from app.core.timeutil import utcnow
from app.deliveries.models import ActorKind, DeliveryEvent, DeliveryProof, ProofKind

log = logging.getLogger(__name__)

#: Images larger than this are refused before they are decoded (decompression bombs).
MAX_PIXELS = 40_000_000
#: PDF names that run code, open other programs or carry files: a PDF holding one is refused.
ACTIVE_PDF_NAMES = frozenset(
    {"/JavaScript", "/JS", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/Launch", "/RichMedia", "/XFA"}
)
#: Proof kinds a person may choose (the SMTP server's answer is the worker's).
STAFF_KINDS = tuple(kind for kind in ProofKind if kind is not ProofKind.SMTP_REPLY)
_MAGIC = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}
_TYPES = {"pdf": ("application/pdf", ".pdf"), "jpeg": ("image/jpeg", ".jpg"), "png": ("image/png", ".png")}
_SHOWN_NAME = re.compile(r"[^\w. ()-]+")


@dataclass(frozen=True)
class CheckedProof:
    """An upload fit to store: its bytes (re-encoded for images), type and the name it is shown by."""

    data: bytes
    content_type: str
    extension: str
    filename: str

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


def _refuse(message, field="file"):
    raise ValidationError(message, fields={field: message})


def _kind_of(data):
    return next((kind for magic, kind in _MAGIC.items() if data.startswith(magic)), None)


def _active_names(value):
    """True when a PDF object (dictionaries and arrays followed into) holds an active name."""
    if isinstance(value, DictionaryObject):
        if ACTIVE_PDF_NAMES & set(value.keys()) or value.get("/S") in ("/JavaScript", "/Launch"):
            return True
        return any(_active_names(item) for item in value.values())
    if isinstance(value, ArrayObject):
        return any(_active_names(item) for item in value)
    return False


def _pdf_objects(reader):
    numbers = {number for table in reader.xref.values() for number in table}
    numbers |= set(reader.xref_objStm)
    for number in sorted(numbers):
        yield reader.get_object(number)


def _check_pdf(data, field):
    not_a_pdf = _l("This PDF cannot be read. Upload a PDF, JPEG or PNG file.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        if not encrypted:
            readable = len(reader.pages) > 0
            active = any(_active_names(obj) for obj in _pdf_objects(reader)) or _active_names(reader.trailer)
    except Exception:  # noqa: BLE001 (a hostile file may break the parser anywhere: it is refused, not a 500)
        _refuse(not_a_pdf, field)
    if encrypted:
        _refuse(_l("This PDF is encrypted. Upload it without a password."), field)
    if not readable:
        _refuse(not_a_pdf, field)
    if active:
        message = _l("This PDF holds scripts or attached files, which are refused. Print it to PDF again.")
        _refuse(message, field)
    return data


@contextlib.contextmanager
def bomb_checked():
    """Pillow's warning of an image past its pixel limit raised, as its error is (decompression bombs).

    The header alone says how many pixels an image has: one past Pillow's limit is refused before
    a single pixel is decoded, with a message about its size rather than its format.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _check_image(data, kind, field):
    not_an_image = _l("This image cannot be read. Upload a PDF, JPEG or PNG file.")
    too_many = _l("This image has too many pixels.")
    try:
        with bomb_checked(), Image.open(io.BytesIO(data)) as image:
            if image.format.lower() != kind:
                _refuse(not_an_image, field)
            if image.width * image.height > MAX_PIXELS:
                _refuse(too_many, field)
            image.load()
            # Re-encoding drops metadata (a photo's location, too) and anything after the image data.
            clean = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "jpeg":
                clean.convert("RGB").save(out, format="JPEG", quality=90)
            else:
                clean.convert("RGBA" if "A" in clean.getbands() else "RGB").save(out, format="PNG")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(too_many, field)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        _refuse(not_an_image, field)
    return out.getvalue()


def shown_name(filename, extension, fallback="proof"):
    """The uploaded file's name as staff see it (never a path): safe characters, our extension."""
    stem = Path((filename or "").replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = " ".join(_SHOWN_NAME.sub("_", stem).split())[:100].strip("._ ") or fallback
    return f"{stem}{extension}"


def check_proof(data, filename, field="file", limit=None, fallback="proof"):
    """The upload checked and made safe (CheckedProof); ValidationError naming `field` if refused.

    Other uploads checked the same way (a response's attachments) give their own `limit` in bytes.
    """
    limit = limit or current_app.config["PROOF_MAX_BYTES"]
    if not data:
        _refuse(_l("Choose a file to upload."), field)
    if len(data) > limit:
        _refuse(_l("The file is too large (at most %(mb).0f MB).", mb=limit / 1024 / 1024), field)
    kind = _kind_of(data)
    if kind is None:
        _refuse(_l("Only PDF, JPEG and PNG files are accepted."), field)
    data = _check_pdf(data, field) if kind == "pdf" else _check_image(data, kind, field)
    content_type, extension = _TYPES[kind]
    return CheckedProof(data, content_type, extension, shown_name(filename, extension, fallback))


def proof_folder():
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "proofs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def proof_file(proof):
    """The stored file of `proof`, or None when its path would leave the proofs folder."""
    folder = proof_folder().resolve()
    path = (folder / proof.path).resolve()
    return path if path.parent == folder and path.is_file() else None


def store_proof(delivery, checked, kind, actor, note="", actor_kind=ActorKind.STAFF):
    """Write a CheckedProof under a random name, add its row and a line to the history; flush.

    `actor_kind` says whose it is: staff's, or the partner's (who has no account: `actor` is None).
    """
    from app.core import audit
    from app.extensions import db

    name = f"{secrets.token_hex(16)}{checked.extension}"
    path = proof_folder() / name
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(checked.data)
    tmp.replace(path)
    proof = DeliveryProof(
        kind=ProofKind(kind),
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        path=name,
        note=note or "",
        actor_kind=actor_kind,
        uploaded_by_id=getattr(actor, "id", None),
        created_at=utcnow(),
    )
    delivery.proofs.append(proof)
    # Not a change of state: the history records the proof with the state it was added in.
    delivery.events.append(
        DeliveryEvent(
            from_status=delivery.status,
            to_status=delivery.status,
            actor_id=getattr(actor, "id", None),
            actor_kind=actor_kind,
            attempt=delivery.attempts or 0,
            detail=f"proof {proof.kind}: {proof.filename}, {proof.size} bytes, sha256 {proof.sha256}",
            created_at=utcnow(),
        )
    )
    db.session.flush()
    audit.record("delivery.proof", delivery, actor=actor, proof_id=proof.id, sha256=proof.sha256)
    log.info("delivery %s: proof %s stored (%s bytes)", delivery.id, proof.id, proof.size)
    return proof
