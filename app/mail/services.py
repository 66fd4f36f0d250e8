"""Queue mail and send it: the row is written with the caller's work, sent after commit."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import Conflict
from app.core.timeutil import utcnow
from app.extensions import db
from app.mail.compose import fit, header_value
from app.mail.models import MailFailure, MailStatus, OutboxMessage
from app.mail.smtp import SendError, send_smtp

log = logging.getLogger(__name__)

#: One quick second try when publishing, then the mail sweeper's turn: a web request never
#: waits for a broker that is down.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
#: After a passing failure, wait this long, doubled at each attempt, at most RETRY_CAP.
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)


def _column_length(name):
    return OutboxMessage.__table__.c[name].type.length


def queue_mail(to, subject, body_text, body_html=None, headers=None):
    """Add a message to the outbox; call send_queued(message.id) after the commit."""
    message = OutboxMessage(
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        to=header_value(to),
        subject=fit(header_value(subject), _column_length("subject")),
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
        # Handed to the broker right after the commit; send_queued clears it if the broker refuses.
        handed_off_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def send_queued(*message_ids):
    """Hand committed messages to the mail queue; what the broker cannot take waits for the sweeper.

    Take the ids before the commit: reading a row after it would start a new transaction
    for nothing. A broker that is down is logged, never raised: the caller's work is saved.
    """
    from app.mail.tasks import send_mail

    for index, message_id in enumerate(message_ids):
        try:
            send_mail.apply_async((message_id,), retry_policy=PUBLISH_RETRY)
        except Exception as error:  # kombu's OperationalError, or the transport's own
            log.warning(
                "the broker did not take mail %s (%s); the mail sweeper will hand it over",
                message_ids[index:],
                error,
            )
            _not_handed_off(message_ids[index:])
            return


def _not_handed_off(message_ids):
    try:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == MailStatus.QUEUED)
            .values(handed_off_at=None)
        )
        db.session.commit()
    except sa.exc.SQLAlchemyError:  # the sweeper then hands them over after STUCK_AFTER instead
        db.session.rollback()
        log.exception("could not mark mail %s as waiting for the broker", message_ids)


def claim_message(message_id):
    """Lock a queued, due message and mark it as sending (flushed); None when it is not to send now.

    SKIP LOCKED: a message another worker holds is that worker's, not a second send.
    """
    message = db.session.scalar(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MailStatus.QUEUED,
            sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= utcnow()),
        )
        .with_for_update(skip_locked=True)
    )
    if message is not None:
        message.start()
        db.session.flush()
    return message


def deliver(message):
    """Send one claimed message by the configured backend; raises SendError."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "outbox":
        message.finish(MailStatus.KEPT)
        log.info("kept mail %s in the outbox", message.id)
        return
    send_smtp(message, config)
    message.finish(MailStatus.SENT)
    log.info("sent mail %s", message.id)


def record_failure(message, error: SendError):
    """Try a passing failure again later (backing off), else fail the message with its reason."""
    if error.temporary and message.attempts < current_app.config["MAIL_MAX_ATTEMPTS"]:
        wait = min(RETRY_CAP, RETRY_BASE * 2 ** (message.attempts - 1))
        message.postpone(utcnow() + wait, error.detail)
        log.warning("mail %s: attempt %s failed, next in %s: %s", message.id, message.attempts, wait, error)
        return
    message.fail(error.reason or MailFailure.GAVE_UP, error.detail)
    log.error("mail %s failed (%s): %s", message.id, message.failure_reason, error)


def send_message_again(message, actor):
    """A person sends a failed or unconfirmed message again (flushed); send_queued after the commit."""
    if not message.can_send_again:
        raise Conflict(_l("Only a failed or unconfirmed message can be sent again."), code="not_failed")
    audit.record("mail.send_again", message, actor=actor, status=str(message.status))
    message.send_again()
    db.session.flush()
