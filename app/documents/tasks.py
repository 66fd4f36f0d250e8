"""The pdf queue: render, sign and store one document; sweep documents the broker or a worker lost."""

import errno
import logging
from datetime import timedelta

import sqlalchemy as sa
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from jinja2 import TemplateError

from app.core import audit
from app.core.errors import ValidationError
from app.core.page_cache import forget_pages
from app.core.timeutil import utcnow
from app.documents.models import Document, DocumentStatus, FailureReason
from app.documents.services import claim_document, render_document
from app.documents.signing import SigningError
from app.extensions import db

log = logging.getLogger(__name__)

#: Queued for longer than this without a worker taking it: the broker lost it, send it again.
STUCK_AFTER = timedelta(minutes=10)


def failure_reason(error):
    """Why a render failed, as the stable reason staff see; None for an error we do not expect."""
    if isinstance(error, SoftTimeLimitExceeded):
        return FailureReason.TIME_LIMIT
    if isinstance(error, TemplateError) or (
        isinstance(error, ValidationError) and error.code == "unknown_template"
    ):
        return FailureReason.TEMPLATE
    if isinstance(error, SigningError):
        return FailureReason.SIGNING
    if isinstance(error, OSError):
        return FailureReason.DISK_FULL if error.errno == errno.ENOSPC else FailureReason.STORAGE
    return None


def progress_reporter(document_id):
    """A callback for the renderer: writes the percent done (at most 99) on its own short connection.

    The task's session commits the outcome once at the end; progress must be visible before
    that, to the web requests polling it, so it does not go through that session.
    """
    engine = db.engine.engine  # the Engine itself, also when tests bind the session to a connection
    last = {"percent": -1}

    def report(done, total):
        # 100% is the ready document: signing and storing still follow the written PDF.
        percent = max(0, min(99, round(100 * done / total))) if total else 0
        if percent < last["percent"] + 5:
            return
        last["percent"] = percent
        try:
            with engine.begin() as connection:
                connection.execute(
                    sa.update(Document)
                    .where(Document.id == document_id, Document.status == DocumentStatus.RENDERING)
                    .values(progress=percent)
                )
        except sa.exc.SQLAlchemyError:  # progress is a courtesy; the render goes on without it
            log.warning("could not record progress of document %s", document_id, exc_info=True)

    return report


def _record_failure(document_id, error, reason):
    db.session.rollback()
    document = db.session.get(Document, document_id)
    document.fail(reason, f"{type(error).__name__}: {error}")
    audit.record(
        "document.fail",
        document,
        kind="worker",
        after={"status": str(document.status), "reason": str(reason)},
    )
    db.session.commit()
    log.error("document %s failed (%s): %s", document_id, reason, error)


@shared_task(name="pdf.render")
def render(document_id):
    """Render a queued document. Time limits come from config through app.core.celery's annotations."""
    if not claim_document(document_id):
        db.session.rollback()
        return
    db.session.commit()  # the claim: web pages show "rendering" while this task works
    document = db.session.get(Document, document_id)
    try:
        render_document(document, progress=progress_reporter(document_id))
    except Exception as error:
        reason = failure_reason(error)
        if reason is None:
            log.exception("document %s: unexpected render error", document_id)
            reason = FailureReason.RENDER
        _record_failure(document_id, error, reason)
        forget_pages(current_app)
        return
    db.session.commit()
    forget_pages(current_app)  # the public page offers the new PDF


@shared_task(name="pdf.sweep")
def sweep():
    """Send lost queued documents again; fail renders whose worker was killed at the hard limit."""
    now = utcnow()
    lost = db.session.scalars(
        sa.select(Document.id).where(
            Document.status == DocumentStatus.QUEUED,
            Document.updated_at < now - STUCK_AFTER,
            Document.withdrawn_at.is_(None),
        )
    ).all()
    cutoff = now - timedelta(seconds=current_app.config["PDF_TIME_LIMIT"] + 60)
    killed = db.session.scalars(
        sa.select(Document).where(
            Document.status == DocumentStatus.RENDERING,
            Document.started_at < cutoff,
            Document.withdrawn_at.is_(None),  # a withdrawn render stored nothing: there is no failure
        )
    ).all()
    for document in killed:
        document.fail(FailureReason.TIME_LIMIT, "the render passed its hard time limit")
    db.session.commit()
    for document_id in lost:
        render.delay(document_id)
    return {"requeued": len(lost), "failed": len(killed)}
