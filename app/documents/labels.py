"""Words for documents in the reader's language: languages, states, verdicts."""

from flask_babel import lazy_gettext as _l

LANGUAGE_LABELS = {"en": _l("English"), "ko": _l("Korean"), "both": _l("English and Korean")}

STATUS_LABELS = {
    "none": _l("not rendered yet"),
    "queued": _l("queued"),
    "rendering": _l("rendering"),
    "ready": _l("ready"),
    "failed": _l("failed"),
}

#: Why a render failed (app/documents/models.py FailureReason), as staff read it.
FAILURE_LABELS = {
    "template_error": _l("the letter's design has an error"),
    "time_limit": _l("rendering took longer than allowed"),
    "disk_full": _l("the disk where PDFs are stored is full"),
    "storage_error": _l("the PDF could not be written to storage"),
    "signing_error": _l("the PDF could not be signed"),
    "render_error": _l("an unexpected error stopped the rendering"),
}

VERDICTS = {
    "authentic": _l("Authentic: we issued this document and it has not been changed."),
    "modified": _l("Not authentic: this document was changed after we signed it."),
    "unknown": _l("Not authentic: this is not a document we issued."),
    "not_pdf": _l("Not authentic: this file is not a PDF."),
}
