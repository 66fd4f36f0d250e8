"""Document services: find or queue a letter's PDF, retry a failed one, render and sign one."""

import hashlib
import logging
from io import BytesIO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from pyhanko.pdf_utils.reader import PdfFileReader

from app.core import audit
from app.core.errors import Conflict, ValidationError
from app.core.timeutil import utcnow
from app.documents import storage
from app.documents.keys import content_key, template_hash
from app.documents.models import Document, DocumentLanguage, DocumentStatus, DocumentVariant
from app.documents.signing import sign_pdf
from app.documents.snapshot import listed_rows, listing_digest, snapshot_of, snapshot_signatories
from app.documents.withdrawal import may_store
from app.extensions import db
from app.rendering.context import letter_context

log = logging.getLogger(__name__)


def parse_language(value):
    try:
        return DocumentLanguage(value)
    except ValueError:
        raise ValidationError(
            _l("The language must be en, ko or both."), fields={"lang": _l("Unknown language.")}
        ) from None


def parse_variant(value):
    try:
        return DocumentVariant(value or DocumentVariant.STANDARD)
    except ValueError:
        raise ValidationError(
            _l("The variant must be standard or pdfa."), fields={"variant": _l("Unknown variant.")}
        ) from None


def _pending_in_series(letter, language, recipient, variant):
    """A queued or rendering document of the same letter, language, recipient and variant."""
    return db.session.scalar(
        sa.select(Document)
        .where(
            Document.letter_id == letter.id,
            Document.language == language,
            Document.recipient_id == recipient.id
            if recipient is not None
            else Document.recipient_id.is_(None),
            Document.variant == variant,
            Document.status.in_((DocumentStatus.QUEUED, DocumentStatus.RENDERING)),
            Document.withdrawn_at.is_(None),
        )
        .order_by(Document.id.desc())
        .limit(1)
    )


def current_document(letter, language, recipient=None, variant=DocumentVariant.STANDARD):
    """The letter's document as it stands now: found by its content key, or a new queued row (flushed).

    While a document of the same series is still queued or rendering, that one is returned
    instead of a new one: during a signing spike the list changes every second, and each
    download must not queue yet another render. The next request after it is ready queues the
    newer list.

    Returns (document, created). A concurrent request may insert the same key first: the caller
    rolls back on IntegrityError and asks again.
    """
    version = letter.current_version
    if version is None:
        raise Conflict(_l("This letter has no frozen version yet."), code="no_version")
    language, variant = parse_language(language), parse_variant(variant)
    rows = listed_rows(letter)
    key = content_key(letter, version, listing_digest(rows), language, recipient, variant)
    document = db.session.scalar(sa.select(Document).where(Document.key == key))
    if document is not None:
        return document, False
    pending = _pending_in_series(letter, language, recipient, variant)
    if pending is not None:
        return pending, False
    snapshot = snapshot_of(rows)
    document = Document(
        key=key,
        letter_id=letter.id,
        version_id=version.id,
        language=language,
        recipient_id=recipient.id if recipient is not None else None,
        variant=variant,
        template=version.template,
        template_hash=template_hash(version.template),
        signatories=snapshot,
        signatory_count=snapshot["count"],
        as_of=utcnow(),
    )
    db.session.add(document)
    db.session.flush()
    log.info("queued document %s: letter %s %s %s", document.id, letter.id, language, variant)
    return document, True


def retry_document(document, actor=None):
    """Queue a failed document again (staff); the caller sends it to the pdf queue after commit."""
    if document.status != DocumentStatus.FAILED:
        raise Conflict(_l("Only a failed document can be rendered again."), code="not_failed")
    if document.is_withdrawn:
        raise Conflict(
            _l("This document was withdrawn: a signatory it lists had their data erased."), code="withdrawn"
        )
    document.requeue()
    db.session.flush()
    audit.record("document.retry", document, actor=actor)
    return document


def claim_document(document_id):
    """Mark a queued document as rendering; False when another worker has it or it is done."""
    result = db.session.execute(
        sa.update(Document)
        .where(
            Document.id == document_id,
            Document.status == DocumentStatus.QUEUED,
            Document.withdrawn_at.is_(None),
        )
        .values(
            status=DocumentStatus.RENDERING,
            progress=0,
            attempts=Document.attempts + 1,
            started_at=utcnow(),
        )
    )
    return result.rowcount == 1


def document_contexts(document):
    """One rendering context per language, with the signatories of the snapshot, not of today."""
    as_of = document.as_of.date()
    contexts = []
    for lang in document.language.languages:
        context = letter_context(
            document.letter,
            lang,
            version=document.version,
            recipient=document.recipient,
            as_of=as_of,
            signatories=snapshot_signatories(document.signatories, lang, as_of),
        )
        context["template"] = document.template
        contexts.append(context)
    return contexts


def page_count(pdf):
    return int(PdfFileReader(BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


def render_document(document, progress=None):
    """Render, sign and store the document's PDF, then mark it ready (flushed).

    Nothing is stored when the document was withdrawn meanwhile (returns None). Template errors,
    SoftTimeLimitExceeded and OSError (a full disk) reach the caller.
    """
    from app.rendering.pdf import render_pdf  # WeasyPrint loads only where PDFs are made

    contexts = document_contexts(document)
    pdf = render_pdf(contexts, pdfa=document.variant == DocumentVariant.PDFA, progress=progress)
    signed = sign_pdf(pdf)
    # Until the caller commits, no erasure runs: one that ran before withdrew the document (or the
    # person it lists) and the file is never written; one that comes after deletes it.
    if not may_store(document):
        log.info("document %s was withdrawn while it rendered: not stored", document.id)
        return None
    storage.write_atomically(storage.path_for(document.token), signed)
    document.template_hash = template_hash(document.template)
    document.finish(hashlib.sha256(signed).hexdigest(), len(signed), page_count(signed))
    audit.record("document.render", document, kind="worker", after={"status": str(document.status)})
    db.session.flush()
    log.info("rendered document %s: %d bytes, %d pages", document.id, document.size, document.page_count)
    return document
