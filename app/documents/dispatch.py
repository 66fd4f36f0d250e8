"""What a page, the API and the CLI do to get a document: find or queue it, commit, then send it."""

import logging

from kombu.exceptions import OperationalError
from sqlalchemy.exc import IntegrityError

from app.documents import storage
from app.documents.models import Document
from app.documents.services import current_document
from app.extensions import db

log = logging.getLogger(__name__)


def queue_render(document_id):
    """Send the render to the pdf queue; when the broker is away the sweep task sends it later."""
    from app.documents.tasks import render

    try:
        render.delay(document_id)
    except OperationalError:
        log.warning("broker unreachable: document %s stays queued for the sweep", document_id)


def ensure_document(letter, language, recipient=None, variant=None):
    """The letter's current document, queued for rendering when it is new. Commits.

    Never waits for a render, except that Celery's eager mode (tests) renders inline. Nothing
    touches the session between the commit and the send, so the task never races our transaction.
    """
    try:
        document, created = current_document(letter, language, recipient, variant)
    except IntegrityError:  # another request queued the same key a moment ago
        db.session.rollback()
        document, created = current_document(letter, language, recipient, variant)
    if not created and document.is_ready and not storage.has_file(document.token):
        log.error("document %s is ready but its file is missing: rendering it again", document.id)
        document.requeue()
        created = True
    if not created:
        return document  # a cache hit writes nothing
    document_id = document.id
    db.session.commit()
    queue_render(document_id)
    return db.session.get(Document, document_id)


def send_after_commit(document_id):
    """Send a document that was queued again (staff retry) once the commit is done."""
    queue_render(document_id)
