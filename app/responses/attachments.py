"""A response's attachment files: checked as delivery proofs are, kept with their SHA-256, staff-only."""

import hashlib
import logging
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.errors import ValidationError
from app.deliveries.proofs import CheckedProof, check_proof, shown_name
from app.responses.hangul import HWP_TYPE, HWPX_TYPE, extracted_text, hangul_kind
from app.responses.models import ResponseAttachment

log = logging.getLogger(__name__)

EML_TYPE = "message/rfc822"
HANGUL_TYPES = {"hwpx": (HWPX_TYPE, ".hwpx"), "hwp": (HWP_TYPE, ".hwp")}


def check_attachment(data, filename, field="file"):
    """A PDF, JPEG, PNG or Hangul (HWPX, HWP) file fit to store (CheckedProof), at most
    RESPONSE_ATTACHMENT_MAX_BYTES."""
    limit = current_app.config["RESPONSE_ATTACHMENT_MAX_BYTES"]
    kind = hangul_kind(data or b"", filename) if data and len(data) <= limit else None
    if kind is not None:
        content_type, extension = HANGUL_TYPES[kind]
        return CheckedProof(
            data, content_type, extension, shown_name(filename, extension, fallback="attachment")
        )
    return check_proof(data, filename, field=field, limit=limit, fallback="attachment")


def original_email(raw, subject, field="file"):
    """The raw email kept as it came, as an attachment named after its subject."""
    limit = current_app.config["RESPONSE_EML_MAX_BYTES"]
    if len(raw) > limit:
        message = _l("The file is too large (at most %(mb).0f MB).", mb=limit / 1024 / 1024)
        raise ValidationError(message, fields={field: message})
    return CheckedProof(raw, EML_TYPE, ".eml", shown_name(subject, ".eml", fallback="email"))


def attachment_folder():
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "responses"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def attachment_file(attachment):
    """The stored file of `attachment`, or None when its path would leave the responses folder."""
    folder = attachment_folder().resolve()
    path = (folder / attachment.storage_path).resolve()
    return path if path.parent == folder and path.is_file() else None


def make_publishable(attachment):
    """Check a file before the public may download it, as uploads are checked; flushes.

    Files filed from an inbound email are stored as they came (for staff): the public gets one
    only once it passes check_attachment, its bytes replaced by the checked ones (an image
    re-encoded without its metadata). ValidationError when it does not pass.
    """
    path = attachment_file(attachment)
    refused = _l("Only PDF, JPEG and PNG files that pass the upload checks can be published.")
    if path is None or attachment.is_original_email:
        raise ValidationError(refused, fields={"file": refused})
    data = path.read_bytes()
    try:
        checked = check_attachment(data, attachment.filename)
    except ValidationError as error:
        message = f"{refused} {error.message}"
        raise ValidationError(message, fields={"file": message}) from None
    if checked.data != data or checked.content_type != attachment.content_type:
        name = f"{secrets.token_hex(16)}{checked.extension}"
        tmp = attachment_folder() / f"{name}.tmp"
        tmp.write_bytes(checked.data)
        tmp.replace(attachment_folder() / name)
        path.unlink(missing_ok=True)
        attachment.storage_path, attachment.filename = name, checked.filename
        attachment.content_type, attachment.size = checked.content_type, len(checked.data)
        attachment.sha256 = checked.sha256
        log.info("attachment %s: replaced by its checked version before publishing", attachment.id)


def store_attachment(response, checked, actor):
    """Write a CheckedProof under a random name and add its row to `response` (flushed by the caller)."""
    name = f"{secrets.token_hex(16)}{checked.extension}"
    path = attachment_folder() / name
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(checked.data)
    tmp.replace(path)
    attachment = ResponseAttachment(
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        storage_path=name,
        uploaded_by_id=getattr(actor, "id", None),
        extracted_text=extracted_text(checked.data, checked.content_type),
    )
    response.attachments.append(attachment)
    log.info("response %s: attachment stored (%s bytes)", response.id, attachment.size)
    return attachment
