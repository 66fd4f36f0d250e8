"""Withdrawing the documents that list an erased person: files deleted unless a delivery sent them."""

import hashlib
import logging

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.core.timeutil import utcnow
from app.deliveries.models import Delivery
from app.documents import storage
from app.documents.models import Document
from app.extensions import db
from app.signatures.models import Signatory

log = logging.getLogger(__name__)

#: The PostgreSQL advisory lock an erasure holds alone and a render's last check holds shared.
ERASURE_LOCK = 0x756E6465  # "unde"


def hold_erasure_lock(shared=False):
    """Until the transaction ends: an erasure and a render storing its file never overlap.

    Without it, a document asked for while an erasure runs (its list read before the erasure
    committed) could be stored with the erased person after the erasure looked for documents.
    SQLite, for development, runs one writer at a time and has no such lock.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        lock = sa.func.pg_advisory_xact_lock_shared if shared else sa.func.pg_advisory_xact_lock
        db.session.execute(sa.select(lock(ERASURE_LOCK)))


def _erased_in(document):
    ids = {row.get("signatory_id") for row in (document.signatories or {}).get("signatories", [])}
    if not ids:
        return set()
    query = sa.select(Signatory.id).where(Signatory.id.in_(sorted(ids)), Signatory.erased_at.is_not(None))
    return set(db.session.scalars(query))


def may_store(document):
    """Take the shared erasure lock; False (the document withdrawn, flushed) when it lists an erased person.

    Called by a render right before it stores the file; the lock is held until its commit.
    """
    hold_erasure_lock(shared=True)
    db.session.refresh(document, ["withdrawn_at"], with_for_update=True)
    if document.is_withdrawn:
        return False
    erased = _erased_in(document)
    if erased:
        withdraw_document(document, erased)
        db.session.flush()
        return False
    return True


def is_delivered(document):
    """A delivery references the document: its bytes are part of the record."""
    query = sa.select(Delivery.id).where(Delivery.document_id == document.id).limit(1)
    return db.session.scalar(query) is not None


def _lists(document, signatory_ids):
    rows = (document.signatories or {}).get("signatories", [])
    return any(row.get("signatory_id") in signatory_ids for row in rows)


def _without(snapshot, signatory_ids):
    rows = [row for row in snapshot.get("signatories", []) if row.get("signatory_id") not in signatory_ids]
    return {**snapshot, "signatories": rows}


def withdraw_document(document, signatory_ids):
    """Take the signatories out of the document's snapshot and never serve it publicly again.

    A document no delivery sent is deleted: its file and its whole snapshot. One a delivery sent
    keeps its file for the record (staff may download it). The content key is released, so the
    next download of the letter renders a document of the list as it is now. The file goes at
    once, before the commit: should the erasure fail, the row still says ready and the next
    download renders it again (documents.dispatch).
    """
    delivered = is_delivered(document)
    if delivered:
        document.signatories = _without(document.signatories, signatory_ids)
    else:
        storage.remove(document.token)
        document.size = None  # no file any more
        document.signatories = {"count": document.signatory_count, "signatories": []}
    if document.withdrawn_at is None:
        document.key = hashlib.sha256(f"withdrawn:{document.key}".encode()).hexdigest()
        document.withdrawn_at = utcnow()
    log.info("withdrew document %s (%s)", document.id, "kept: delivered" if delivered else "file deleted")
    return delivered


def withdraw_documents_listing(signatory_ids, letter_ids):
    """Withdraw every document of the letters whose snapshot lists one of the signatories (flushed).

    The rows are locked first: a render finishing meanwhile either stores its file before we
    look (and we delete it) or sees the withdrawal and stores nothing (services.render_document).
    Returns the withdrawn documents.
    """
    if not signatory_ids or not letter_ids:
        return []
    ids = set(signatory_ids)
    query = (
        sa.select(Document)
        .where(Document.letter_id.in_(list(letter_ids)))
        .options(undefer(Document.signatories))
        .order_by(Document.id)
        .with_for_update()
    )
    withdrawn = []
    for document in db.session.scalars(query):
        if _lists(document, ids):
            withdraw_document(document, ids)
            withdrawn.append(document)
    db.session.flush()
    return withdrawn
