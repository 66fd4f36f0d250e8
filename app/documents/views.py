"""Document pages: download a letter's PDF, its permanent link, its state, verify a PDF; staff retry."""

import io
import re

import sqlalchemy as sa
from asn1crypto import pem
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import campaign_access
from app.campaigns.models import CampaignStatus
from app.documents import storage
from app.documents.dispatch import ensure_document, send_after_commit
from app.documents.forms import RetryForm, VerifyForm
from app.documents.labels import FAILURE_LABELS, LANGUAGE_LABELS, STATUS_LABELS, VERDICTS
from app.documents.models import Document
from app.documents.public import last_ready_document
from app.documents.services import retry_document
from app.documents.signing import coalition_certificate
from app.documents.verify import verify_pdf
from app.extensions import db, limiter
from app.letters.models import PUBLIC_LETTER_STATUSES, Letter

bp = Blueprint("documents", __name__)


#: A document token: URL-safe base64 as secrets.token_urlsafe makes it.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,40}$")


@bp.app_context_processor
def document_labels():
    return {
        "document_language_labels": LANGUAGE_LABELS,
        "document_status_labels": STATUS_LABELS,
        "document_failure_labels": FAILURE_LABELS,
        "verdict_messages": VERDICTS,
    }


def document_or_none(token):
    """The document of a URL's token; None for an unknown or malformed one."""
    if not _TOKEN.match(token):
        return None
    query = sa.select(Document).where(Document.token == token)
    return db.session.scalar(query)


def _document_or_404(token):
    document = document_or_none(token)
    if document is None:
        abort(404)
    return document


def _public_document(token):
    """The document of a public link; a withdrawn one answers 410 with a page that says so."""
    document = _document_or_404(token)
    if document.is_withdrawn:
        message = _(
            "This document was withdrawn: someone it listed asked us to erase their data. "
            "The letter's page offers the current PDF."
        )
        abort(410, description=message)  # the error page shows it, in the reader's language
    return document


def is_public(letter):
    """Whether the public may read the letter now: published, in a campaign not archived."""
    return letter.status in PUBLIC_LETTER_STATUSES and letter.campaign.status != CampaignStatus.ARCHIVED


def _readable_letter_or_404(letter_id):
    """A letter the public may read; staff may download any letter with a frozen version."""
    letter = db.get_or_404(Letter, letter_id)
    if not is_public(letter) and not current_user.is_authenticated:
        abort(404)
    return letter


def download_name(document):
    return f"{document.letter.slug}-v{document.version.number}-{document.language}.pdf"


def send_document(document, max_age, immutable=False, private=False):
    """The stored PDF, read whole (a few hundred KiB); the path stays on the server.

    Shared caches may keep it, unless ``private`` (an answer to an authenticated request) or its
    letter is no longer public: an archived or unpublished letter's PDF is kept by no cache.
    """
    try:
        data = storage.read(document.token)
    except FileNotFoundError:
        abort(404)
    response = send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        download_name=download_name(document),
        etag=document.sha256,
        conditional=True,
        max_age=max_age,
    )
    if not is_public(document.letter):
        response.headers["Cache-Control"] = "no-store"
        return response
    if private:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.cache_control.immutable = immutable or None
    return response


def _status_page(document):
    previous = last_ready_document(document)
    html = render_template("documents/status.html", document=document, previous=previous)
    # Browsers reload the state page until the PDF is there (then it redirects to the file).
    again = url_for("documents.status", token=document.token)
    refresh = {} if document.status == "failed" else {"Refresh": f"5; url={again}"}
    return html, 200 if document.status == "failed" else 202, refresh


@bp.route("/letters/<int:letter_id>/<lang>.pdf")
def letter_pdf(letter_id, lang):
    """The letter's PDF as it stands now: served when rendered, else queued and its state shown."""
    letter = _readable_letter_or_404(letter_id)
    document = ensure_document(letter, lang, None, request.args.get("variant"))
    if document.is_ready:
        return send_document(document, current_app.config["PUBLIC_CACHE_SECONDS"])
    return _status_page(document)


@bp.route("/documents/<token>.pdf")
def document_pdf(token):
    """A document by its permanent link: the same bytes for ever, unless it was withdrawn."""
    document = _public_document(token)
    if not document.is_ready:
        return redirect(url_for("documents.status", token=token))
    return send_document(document, 365 * 24 * 3600, immutable=True)


@bp.route("/documents/<token>")
def status(token):
    document = _public_document(token)
    if document.is_ready:
        return redirect(url_for("documents.document_pdf", token=token), 303)
    return _status_page(document)


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], methods=["POST"])
def verify():
    form = VerifyForm()
    verdict = None
    if form.validate_on_submit():
        verdict = verify_pdf(form.file_bytes)
    status = 422 if form.errors else 200
    return render_template("documents/verify.html", form=form, verdict=verdict), status


@bp.route("/verify/certificate.pem")
def certificate():
    """Our signing certificate, for `pyhanko sign validate --trust certificate.pem`."""
    body = pem.armor("CERTIFICATE", coalition_certificate().dump())
    return body, 200, {"Content-Type": "application/x-pem-file"}


@bp.route("/staff/letters/<int:letter_id>/documents")
@campaign_access("viewer")
def staff_list(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    documents = db.session.scalars(
        sa.select(Document).where(Document.letter_id == letter.id).order_by(Document.id.desc()).limit(200)
    ).all()
    return render_template("documents/staff_list.html", letter=letter, documents=documents, form=RetryForm())


@bp.route("/staff/documents/<int:document_id>.pdf")
@campaign_access("viewer")
def staff_pdf(document_id):
    """Staff download any stored document, a withdrawn one that a delivery sent among them."""
    document = db.get_or_404(Document, document_id)
    if not document.is_ready:
        abort(404)
    return send_document(document, 0, private=True)


@bp.route("/staff/documents/<int:document_id>/retry", methods=["POST"])
@campaign_access("editor")
def staff_retry(document_id):
    document = db.get_or_404(Document, document_id)
    form = RetryForm()
    if not form.validate_on_submit():
        abort(400)
    retry_document(document, actor=current_user)
    db.session.commit()
    send_after_commit(document_id)
    flash(_("The document is queued to be rendered again."), "info")
    return redirect(url_for("documents.staff_list", letter_id=document.letter_id))
