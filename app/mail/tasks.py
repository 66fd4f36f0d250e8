"""The mail queue: send one message at most once; sweep what the broker or a killed worker lost."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from celery import shared_task
from flask import current_app

from app.core.timeutil import utcnow
from app.extensions import db
from app.mail.models import MailStatus, OutboxMessage
from app.mail.services import PUBLISH_RETRY, claim_message, deliver, record_failure
from app.mail.smtp import SendError

log = logging.getLogger(__name__)

#: Handed to the broker this long ago and still not taken: the broker lost it, hand it over again.
STUCK_AFTER = timedelta(minutes=15)
#: Sending for longer than this: the worker was killed in the middle of the SMTP conversation.
SENDING_LIMIT = timedelta(minutes=15)
#: Messages one sweep hands over, at most.
SWEEP_BATCH = 1000

S = MailStatus


@shared_task(name="mail.send")
def send_mail(message_id):
    """Send a queued message. Run twice, or redelivered, it sends nothing more."""
    message = claim_message(message_id)
    if message is None:
        db.session.rollback()
        return
    db.session.commit()  # the claim, before the SMTP conversation: a second task finds it "sending"
    try:
        deliver(message)
    except SendError as error:
        record_failure(message, error)
    db.session.commit()


def _lost_queued(now):
    """Queued messages that are due and that no broker holds (any more), oldest first."""
    return (
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.status == S.QUEUED,
            sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            sa.or_(OutboxMessage.handed_off_at.is_(None), OutboxMessage.handed_off_at < now - STUCK_AFTER),
        )
        .order_by(OutboxMessage.id)
        .limit(SWEEP_BATCH)
    )


@shared_task(name="mail.sweep")
def sweep():
    """Hand over what the broker lost or never got, and retries that are due; flag interrupted sends.

    A message left "sending" by a killed worker may have arrived: it is never sent again by
    itself, but marked unconfirmed for a person to decide.
    """
    now = utcnow()
    interrupted = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == S.SENDING, OutboxMessage.last_attempt_at < now - SENDING_LIMIT)
        .values(status=S.UNCONFIRMED, last_error="The worker stopped while sending.")
    ).rowcount
    ids = db.session.scalars(_lost_queued(now)).all()
    db.session.commit()
    handed = 0
    for message_id in ids:
        try:
            send_mail.apply_async((message_id,), retry_policy=PUBLISH_RETRY)
        except Exception as error:  # the broker is down again: the next sweep tries
            log.warning("mail sweep: the broker did not take mail %s: %s", message_id, error)
            break
        handed += 1
    _handed_off(ids[:handed], now)
    if interrupted:
        log.error("mail sweep: %s messages were interrupted while sending; see the outbox", interrupted)
    return {"handed_over": handed, "unconfirmed": interrupted}


def _handed_off(message_ids, when):
    if not message_ids:
        return
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == S.QUEUED)
        .values(handed_off_at=when)
    )
    db.session.commit()


@shared_task(name="mail.blank_old")
def blank_old():
    """Blank the address and body of messages finished longer ago than MAIL_RETENTION_DAYS."""
    cutoff = utcnow() - timedelta(days=current_app.config["MAIL_RETENTION_DAYS"])
    finished_at = sa.case(
        (OutboxMessage.status.in_((S.SENT, S.KEPT)), OutboxMessage.sent_at),
        else_=OutboxMessage.last_attempt_at,
    )
    count = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.status.in_((S.SENT, S.KEPT, S.FAILED, S.UNCONFIRMED)),
            OutboxMessage.blanked_at.is_(None),
            finished_at < cutoff,
        )
        .values(to="", body_text="", body_html=None, headers={}, blanked_at=utcnow())
    ).rowcount
    db.session.commit()
    log.info("blanked %s outbox messages older than the retention period", count)
    return count
