"""The mail queue's deliveries: send each emailed letter at most once; sweep what was lost or cut off."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from celery import shared_task
from flask import current_app

from app.core.timeutil import utcnow
from app.deliveries.handover import send_attempt
from app.deliveries.models import Delivery, DeliveryStatus
from app.deliveries.sending import channels, claim_delivery, due, keep_in_outbox, prepare
from app.documents.dispatch import queue_render
from app.documents.models import Document, DocumentStatus
from app.extensions import db
from app.mail.services import PUBLISH_RETRY

log = logging.getLogger(__name__)
S = DeliveryStatus

#: Queued, due, and not touched for this long: the broker lost its task, hand it over again.
STUCK_AFTER = timedelta(minutes=10)
#: Sending for longer than this: the worker was killed in the middle of the SMTP conversation.
SENDING_LIMIT = timedelta(minutes=10)
SWEEP_BATCH = 500


def publish(delivery_id, wait=None):
    """Hand the send to the broker; a broker that is down leaves it to the sweeper."""
    countdown = wait.total_seconds() if wait else None
    try:
        send_delivery.apply_async((delivery_id,), countdown=countdown, retry_policy=PUBLISH_RETRY)
    except Exception as error:  # kombu's OperationalError, or the transport's own
        log.warning("the broker did not take delivery %s (%s); the sweeper will", delivery_id, error)
        return False
    return True


@shared_task(name="deliveries.send")
def send_delivery(delivery_id):
    """Send a queued email (or fax gateway) delivery. Run twice, or redelivered, it sends nothing more."""
    delivery = claim_delivery(delivery_id)
    if delivery is None:
        db.session.rollback()
        return
    attempt = prepare(delivery)
    if isinstance(attempt, timedelta):  # the document is not rendered yet
        document_id = delivery.document_id
        db.session.commit()
        _render_if_queued(document_id)
        publish(delivery_id, attempt)
        return
    if attempt is None:  # settled: failed, with its reason
        db.session.commit()
        return
    if current_app.config["MAIL_BACKEND"] == "outbox":
        keep_in_outbox(delivery, attempt)
        db.session.commit()
        return
    db.session.commit()  # "sending", before the SMTP conversation: a second task finds it taken
    wait = send_attempt(attempt)
    if wait is not None:
        publish(delivery_id, wait)


def _render_if_queued(document_id):
    status = db.session.scalar(sa.select(Document.status).where(Document.id == document_id))
    db.session.rollback()
    if status == DocumentStatus.QUEUED:
        queue_render(document_id)


def _cut_off(now):
    """Sending deliveries whose worker stopped: sent again if never handed over, else unconfirmed."""
    rows = db.session.scalars(
        sa.select(Delivery)
        .where(Delivery.status == S.SENDING, Delivery.claimed_at < now - SENDING_LIMIT)
        .with_for_update(skip_locked=True, of=Delivery)
        .limit(SWEEP_BATCH)
    ).all()
    again, unconfirmed = [], 0
    for delivery in rows:
        if delivery.handed_over_at is None:
            delivery.move_to(S.QUEUED, detail="the worker stopped before the message was handed over")
            again.append(delivery.id)
        else:
            delivery.move_to(
                S.UNCONFIRMED,
                detail="the worker stopped after the message was handed over, before the answer was "
                "recorded: it may have arrived",
            )
            unconfirmed += 1
    return again, unconfirmed


def _lost(now):
    """Queued, due deliveries no broker holds: untouched for long, or due since their last touch."""
    return db.session.scalars(
        sa.select(Delivery.id)
        .where(
            Delivery.status == S.QUEUED,
            Delivery.channel.in_(channels(current_app.config)),
            due(now),
            sa.or_(
                Delivery.updated_at < now - STUCK_AFTER,
                Delivery.updated_at < Delivery.next_attempt_at,
                Delivery.updated_at < Delivery.send_at,
            ),
        )
        .order_by(Delivery.id)
        .limit(SWEEP_BATCH)
    ).all()


@shared_task(name="deliveries.sweep")
def sweep():
    """Hand over what the broker lost and what is due; settle sends a killed worker left."""
    now = utcnow()
    again, unconfirmed = _cut_off(now)
    ids = sorted(set(again) | set(_lost(now)))
    if ids:
        db.session.execute(
            sa.update(Delivery).where(Delivery.id.in_(ids)).values(updated_at=now),
            execution_options={"synchronize_session": False},
        )
    db.session.commit()
    handed = 0
    for delivery_id in ids:
        if not publish(delivery_id):
            break
        handed += 1
    if unconfirmed:
        log.error("delivery sweep: %s deliveries may have arrived; staff decide", unconfirmed)
    return {"handed_over": handed, "sent_again": len(again), "unconfirmed": unconfirmed}
