"""API: a letter's signed PDF (rendered in the background), a document's state, verify a PDF."""

from flask import current_app, request, url_for
from flask_babel import gettext as _

from app.api import bp
from app.api.auth import token_required
from app.api.document_schemas import PATHS, SCHEMAS  # noqa: F401 (collected by openapi_document)
from app.api.letters import letter_or_not_found
from app.core.errors import DomainError, NotFound, ValidationError
from app.documents.dispatch import ensure_document
from app.documents.labels import VERDICTS
from app.documents.verify import verify_pdf
from app.documents.views import document_or_none, send_document
from app.extensions import db, limiter
from app.recipients.models import Recipient


class PayloadTooLarge(DomainError):
    code = "too_large"
    status = 413


class RenderFailed(DomainError):
    code = "render_failed"
    status = 409


def _iso(value):
    return value.isoformat() if value is not None else None


def document_json(document):
    ready = document.is_ready
    return {
        "id": document.token,
        "letter_id": document.letter_id,
        "version": document.version.number,
        "language": str(document.language),
        "variant": str(document.variant),
        "recipient_id": document.recipient_id,
        "template": document.template,
        "template_hash": document.template_hash,
        "status": str(document.status),
        "progress": document.progress,
        "failure_reason": str(document.failure_reason) if document.failure_reason else None,
        "signatory_count": document.signatory_count,
        "as_of": _iso(document.as_of),
        "sha256": document.sha256,
        "size": document.size,
        "page_count": document.page_count,
        "created_at": _iso(document.created_at),
        "finished_at": _iso(document.finished_at),
        "url": url_for("api.get_document", token=document.token, _external=True),
        "pdf_url": url_for("documents.document_pdf", token=document.token, _external=True) if ready else None,
    }


def _recipient(value):
    if value in (None, ""):
        return None
    recipient = db.session.get(Recipient, int(value)) if value.isdigit() else None
    if recipient is None:
        raise ValidationError(_("No recipient with this id."), fields={"recipient": _("Unknown recipient.")})
    return recipient


@bp.get("/letters/<int:letter_id>/pdf")
@token_required("viewer")
def get_letter_pdf(letter_id):
    letter = letter_or_not_found(letter_id)
    recipient = _recipient(request.args.get("recipient"))
    document = ensure_document(letter, request.args.get("lang", "en"), recipient, request.args.get("variant"))
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
    return document_json(document), 202, headers


@bp.get("/documents/<token>")
@token_required("viewer")
def get_document(token):
    document = document_or_none(token)
    if document is None:
        raise NotFound(_("No document with this id."))
    return document_json(document)


def _bilingual(obj, field):
    return {"en": getattr(obj, f"{field}_en"), "ko": getattr(obj, f"{field}_ko")}


def verified_document_json(document):
    letter, recipient = document.letter, document.recipient
    rows = document.signatories.get("signatories", [])
    return {
        "id": document.token,
        "url": url_for("documents.document_pdf", token=document.token, _external=True),
        "letter": {"id": letter.id, "slug": letter.slug, "title": _bilingual(document.version, "title")},
        "campaign": {"slug": letter.campaign.slug, "title": _bilingual(letter.campaign, "title")},
        "version": {"number": document.version.number, "content_hash": document.version.content_hash},
        "language": str(document.language),
        "variant": str(document.variant),
        "template": {"name": document.template, "hash": document.template_hash},
        "recipient": {"id": recipient.id, "name": _bilingual(recipient, "name")} if recipient else None,
        "as_of": _iso(document.as_of),
        "signatory_count": document.signatory_count,
        "signatories": [
            {key: row[key] for key in ("position", "kind", "display", "name", "line")} for row in rows
        ],
        "issued_at": _iso(document.finished_at),
        "page_count": document.page_count,
        "size": document.size,
    }


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


@bp.post("/documents/verify")
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"])
def verify_document():
    verdict = verify_pdf(_uploaded_bytes())
    check = verdict.signature
    return {
        "status": verdict.status,
        "authentic": verdict.is_authentic,
        "message": str(VERDICTS[verdict.status]),
        "sha256": verdict.sha256,
        "signature": {
            "present": check.present,
            "intact": check.intact,
            "valid": check.valid,
            "ours": check.ours,
            "trusted": check.trusted,
            "covers_whole_file": check.covers_whole_file,
            "signer": check.signer,
            "signed_at": check.signed_at,
        },
        "document": verified_document_json(verdict.document) if verdict.document else None,
    }
