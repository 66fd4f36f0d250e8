"""Mail queue tasks."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from celery import shared_task

from app.core.timeutil import utcnow
from app.extensions import db
from app.mail.models import MailStatus, OutboxMessage
from app.mail.services import deliver

log = logging.getLogger(__name__)

#: Queued for longer than this without being sent: the broker lost it, queue it again.
STUCK_AFTER = timedelta(minutes=10)


@shared_task(name="mail.send", bind=True)
def send_mail(self, message_id):
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != MailStatus.QUEUED:
        return
    try:
        deliver(message)
    except OSError as error:  # smtplib errors are OSErrors: connection, refusal, timeout
        message.last_error = str(error)[:2000]
        if self.request.retries >= self.max_retries:
            message.status = MailStatus.FAILED
            db.session.commit()
            log.error("gave up on mail %s: %s", message_id, error)
            return
        db.session.commit()
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from None
    db.session.commit()


@shared_task(name="mail.requeue_stuck")
def requeue_stuck():
    cutoff = utcnow() - STUCK_AFTER
    ids = db.session.scalars(
        sa.select(OutboxMessage.id).where(
            OutboxMessage.status == MailStatus.QUEUED, OutboxMessage.created_at < cutoff
        )
    ).all()
    for message_id in ids:
        send_mail.delay(message_id)
    return len(ids)
