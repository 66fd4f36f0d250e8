"""After the commit of a queued delivery: render its document, hand email and fax to the mail queue."""

import importlib
import logging

from flask import current_app
from kombu.exceptions import OperationalError

from app.deliveries.models import Channel, DeliveryStatus
from app.documents.dispatch import queue_render

log = logging.getLogger(__name__)


def goes_by_email(delivery):
    """Email, and fax when an email-to-fax gateway is configured: the mail queue sends those."""
    if delivery.channel == Channel.EMAIL:
        return True
    return delivery.channel == Channel.FAX and bool(current_app.config.get("FAX_EMAIL_GATEWAY"))


def _send_task():
    """The email channel's task, when that module is installed."""
    try:
        return importlib.import_module("app.deliveries.tasks").send_delivery
    except (ImportError, AttributeError):
        return None


def work_after_commit(deliveries):
    """What the queued deliveries need once committed: (documents to render, deliveries to email).

    Taken before the commit: nothing may touch the session between the commit and the sends,
    so that a task (inline in eager mode) never races our transaction.
    """
    queued = [d for d in deliveries if d.status == DeliveryStatus.QUEUED]
    documents = sorted({d.document_id for d in queued if d.document is not None and d.document.is_pending})
    return documents, [d.id for d in queued if goes_by_email(d)]


def hand_over(work):
    """Send the work of work_after_commit(). Call only after the commit.

    A broker that is away loses nothing: the document stays queued for the pdf sweep and the
    delivery stays queued for the mail sweep.
    """
    documents, emails = work
    for document_id in documents:
        queue_render(document_id)
    task = _send_task() if emails else None
    for delivery_id in emails if task is not None else ():
        try:
            task.delay(delivery_id)
        except (OperationalError, OSError):
            log.warning("broker unreachable: delivery %s stays queued for the sweep", delivery_id)


def reply_address(delivery):
    """The delivery's own Reply-To address, as the email channel makes it; None without it."""
    try:
        make = importlib.import_module("app.deliveries.email").reply_address
    except (ImportError, AttributeError):
        return None
    try:
        return make(delivery)
    except Exception:  # unconfigured REPLY_TO_ADDRESS: the page says "none" rather than fail
        log.warning("no reply address for delivery %s", delivery.id)
        return None
