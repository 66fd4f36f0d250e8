"""API: a letter's signed PDF (rendered in the background), a document's state, verify a PDF."""

from flask import current_app, request, url_for
from flask_babel import gettext as _

from app.api import bp
from app.api.auth import token_required
from app.api.document_schemas import (
    PDF_CONTENT,
    RENDERING_HEADERS,
    VERIFY_BODY,
    DocumentSchema,
    PdfQuery,
    VerificationSchema,
)
from app.api.errors import Error
from app.api.letters import letter_or_not_found
from app.api.recipients import recipient_input
from app.core.errors import DomainError, NotFound, ValidationError
from app.documents.dispatch import ensure_document
from app.documents.verify import verify_pdf
from app.documents.views import document_or_none, send_document
from app.extensions import limiter


class PayloadTooLarge(DomainError):
    code = "too_large"
    status = 413


class RenderFailed(DomainError):
    code = "render_failed"
    status = 409


@bp.route("/letters/<int:letter_id>/pdf", methods=["GET"])
@token_required("viewer")
@bp.arguments(PdfQuery, location="query")
@bp.response(
    202,
    DocumentSchema,
    description="Not rendered yet: queued and rendering in the background; poll Location",
    headers=RENDERING_HEADERS,
)
@bp.alt_response(
    200, schema=PDF_CONTENT, content_type="application/pdf", description="The signed PDF", success=True
)
@bp.errors(404)
@bp.alt_response(
    409,
    schema=Error,
    description="No frozen version yet, or the render failed (staff can render it again)",
)
def get_letter_pdf(query, letter_id):
    """The letter's signed PDF as it stands now (lang en, ko or both; default en)"""
    letter = letter_or_not_found(letter_id)
    recipient_id = query.get("recipient")
    recipient = None if recipient_id is None else recipient_input(recipient_id, "recipient")
    document = ensure_document(letter, query["lang"], recipient, query.get("variant"))
    if document.is_ready:
        return send_document(document, 0, private=True)
    if document.status == "failed":
        raise RenderFailed(
            _(
                "This PDF could not be rendered (%(reason)s); staff can render it again.",
                reason=document.failure_reason,
            )
        )
    headers = {
        "Location": url_for("api.get_document", token=document.token),
        "Retry-After": str(current_app.config["PDF_RETRY_AFTER"]),
    }
    return document, 202, headers


@bp.route("/documents/<token>", methods=["GET"])
@token_required("viewer")
@bp.response(200, DocumentSchema)
@bp.errors(404)
def get_document(token):
    """A document's state; pdf_url once it is ready"""
    document = document_or_none(token)
    if document is None:
        raise NotFound(_("No document with this id."))
    return document


def _uploaded_bytes():
    limit = current_app.config["VERIFY_MAX_BYTES"]
    if request.content_length is not None and request.content_length > limit + 64 * 1024:
        raise PayloadTooLarge(_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    upload = request.files.get("file") if request.mimetype == "multipart/form-data" else None
    data = upload.stream.read(limit + 1) if upload is not None else request.stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    if not data:
        raise ValidationError(
            _("Send the PDF as the request body, or as the multipart field file."), code="empty_body"
        )
    return data


@bp.route("/documents/verify", methods=["POST"])
@bp.public
@bp.doc(requestBody=VERIFY_BODY)
@bp.response(200, VerificationSchema, description="The verdict, authentic or not")
@bp.errors(413, 422, 429)
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"])
def verify_document():
    """Is this PDF a document we issued, unchanged? (public; no token)"""
    return verify_pdf(_uploaded_bytes())
