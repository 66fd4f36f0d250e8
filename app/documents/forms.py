"""Forms of the documents pages: verify an uploaded PDF, and the staff retry button."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import ValidationError

from app.core.forms import AccessibleForm


def _not_too_large(form, field):
    upload = field.data
    if upload is None:
        return
    limit = current_app.config["VERIFY_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_l("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    form.file_bytes = data


class VerifyForm(AccessibleForm):
    """The PDF to check; read once, capped at VERIFY_MAX_BYTES, and kept as form.file_bytes."""

    file = FileField(
        _l("PDF file"), validators=[FileRequired(_l("Choose the PDF to check.")), _not_too_large]
    )
    file_bytes = None


class RetryForm(AccessibleForm):
    """A bare form for the retry button: it carries the CSRF token."""
