"""The SMTP conversation of one committed attempt: the hand-over committed just before the message's
end, the server's answer committed right after it, and what a failure on either side of it means."""

import logging

import sqlalchemy as sa
from flask import current_app

from app.core.timeutil import utcnow
from app.deliveries.email import TakenBack, Unconfirmed, attempt_email, converse, server_answer
from app.deliveries.models import Delivery, DeliveryStatus
from app.deliveries.sending import record_sent, retry_or_fail
from app.extensions import db
from app.mail.smtp import send_error

log = logging.getLogger(__name__)
S = DeliveryStatus


def _hand_over(attempt):
    """Commit handed_over_at, only while the row is still this attempt's."""
    changed = db.session.execute(
        sa.update(Delivery)
        .where(
            Delivery.id == attempt.delivery_id,
            Delivery.status == S.SENDING,
            Delivery.attempts == attempt.number,
        )
        .values(handed_over_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not changed:
        raise TakenBack(f"delivery {attempt.delivery_id} is no longer in attempt {attempt.number}")


def _on_reply(attempt, outcome):
    def on_reply(code, text):
        outcome["reply"] = f"{code} {text}"
        delivery = db.session.get(Delivery, attempt.delivery_id)
        reply = f"{code} {text}"
        if 200 <= code < 300:
            record_sent(delivery, reply)
        else:
            delivery.server_reply = reply[:2000]
            outcome["wait"] = retry_or_fail(delivery, reply, temporary=not 500 <= code < 600)
        db.session.commit()

    return on_reply


def send_attempt(attempt):
    """Talk to the SMTP server for one committed attempt and record what came of it; commits.

    Returns how long to wait before the next attempt, or None.
    """
    outcome = {}
    try:
        converse(
            current_app.config,
            attempt.sender,
            attempt.to,
            attempt.token,
            lambda sender, to: attempt_email(attempt, sender, to),
            lambda: _hand_over(attempt),
            _on_reply(attempt, outcome),
        )
    except TakenBack as error:
        db.session.rollback()
        log.error("delivery %s: %s; nothing more sent", attempt.delivery_id, error)
    except Unconfirmed as error:
        lost = f"the server's answer was lost: {error}"
        _record(attempt, lambda d: d.move_to(S.UNCONFIRMED, detail=lost))
    except Exception as error:
        if "reply" in outcome:  # the server answered, but recording its answer failed
            detail = f"the server answered {outcome['reply']!r}; recording it failed: {error}"
            _record(attempt, lambda d: d.move_to(S.UNCONFIRMED, detail=detail))
            raise
        if isinstance(error, sa.exc.SQLAlchemyError):  # the end was not sent: the sweeper sends it again
            db.session.rollback()
            raise
        failure, answer = send_error(error), server_answer(error)
        _record(attempt, lambda d: outcome.update(wait=_failed(d, failure, answer)))
    return outcome.get("wait")


def _failed(delivery, failure, answer):
    if answer:
        delivery.server_reply = answer[:2000]
    detail = answer or failure.detail
    return retry_or_fail(delivery, detail, str(failure.reason or "refused"), failure.temporary)


def _record(attempt, change):
    db.session.rollback()
    delivery = db.session.get(Delivery, attempt.delivery_id)
    if delivery.status == S.SENDING and delivery.attempts == attempt.number:
        change(delivery)
        db.session.commit()
