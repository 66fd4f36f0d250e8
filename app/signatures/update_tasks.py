"""The task that mails the noted updates to signers; safe to run twice, and at the same time."""

import logging

import sqlalchemy as sa
from celery import shared_task

from app.extensions import db
from app.mail.services import send_queued
from app.signatures.models import UpdateNotice
from app.signatures.updates import prepare

log = logging.getLogger(__name__)

#: Notices prepared per run; the next run takes the rest.
BATCH = 50


def _next_notice():
    """A notice not yet prepared, locked; SKIP LOCKED: one another worker holds is that worker's."""
    return db.session.scalar(
        sa.select(UpdateNotice)
        .where(UpdateNotice.prepared_at.is_(None))
        .order_by(UpdateNotice.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


@shared_task(name="signatures.send_updates")
def send_updates():
    """Prepare each waiting notice (one email per signer), commit, then hand the emails over."""
    mailed = 0
    for _round in range(BATCH):
        notice = _next_notice()
        if notice is None:
            break
        message_ids = prepare(notice)
        db.session.commit()
        send_queued(*message_ids)
        mailed += len(message_ids)
    db.session.commit()
    log.info("mailed %s updates to signers", mailed)
    return mailed
