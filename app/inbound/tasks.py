"""Filing each message the poller stored, once; and a sweep for the ones whose task was lost."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from celery import shared_task

from app.core.timeutil import utcnow
from app.extensions import db
from app.inbound.filing import file_message, hold
from app.inbound.models import InboundMessage, InboundStatus

log = logging.getLogger(__name__)

#: A message received this long ago and still not filed lost its task: it is queued again.
STUCK_AFTER = timedelta(minutes=5)


def _claim(inbound_id):
    """The message if it is still waiting to be filed, locked until the commit; else None."""
    return db.session.scalar(
        sa.select(InboundMessage)
        .where(InboundMessage.id == inbound_id, InboundMessage.status == InboundStatus.RECEIVED)
        .with_for_update(skip_locked=True)
    )


@shared_task(name="inbound.file", ignore_result=True)
def file_inbound(inbound_id):
    """File one received message: to its delivery or into the holding pen, in one transaction."""
    inbound = _claim(inbound_id)
    if inbound is None:
        return
    try:
        file_message(inbound)
        db.session.commit()
    except Exception as error:
        # A message that breaks the filing is held with its raw source, never lost or retried forever.
        db.session.rollback()
        log.exception("inbound %s could not be filed", inbound_id)
        inbound = _claim(inbound_id)
        if inbound is not None:
            hold(inbound, "unparseable", f"filing failed: {type(error).__name__}")
            db.session.commit()


@shared_task(name="inbound.sweep", ignore_result=True)
def sweep_inbound():
    """Queue again the messages received a while ago and not filed (their task was lost)."""
    ids = db.session.scalars(
        sa.select(InboundMessage.id).where(
            InboundMessage.status == InboundStatus.RECEIVED,
            InboundMessage.received_at < utcnow() - STUCK_AFTER,
        )
    ).all()
    db.session.commit()
    for inbound_id in ids:
        file_inbound.delay(inbound_id)
