"""After the commit of a queued delivery: render its document, hand email and fax to the mail queue."""

import importlib
import logging

from flask import current_app
from kombu.exceptions import OperationalError

from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.documents.dispatch import queue_render
from app.extensions import db

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


def hand_over(delivery_ids):
    """Send what the committed, queued deliveries need. Call only after the commit.

    A broker that is away loses nothing: the document stays queued for the pdf sweep and the
    delivery stays queued for the mail sweep.
    """
    rows = [db.session.get(Delivery, delivery_id) for delivery_id in delivery_ids]
    queued = [row for row in rows if row is not None and row.status == DeliveryStatus.QUEUED]
    pending = {row.document_id for row in queued if row.document is not None and row.document.is_pending}
    emails = [row.id for row in queued if goes_by_email(row)]
    for document_id in sorted(pending):
        queue_render(document_id)
    task = _send_task()
    if task is None:
        return
    for delivery_id in emails:
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
