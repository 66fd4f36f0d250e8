"""The mail sweeper hands over what the broker lost or never got, once; an interrupted send is not resent."""

import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from celery import current_app as current_celery
from kombu import Connection

from app.core.timeutil import utcnow
from app.extensions import db
from app.mail.models import MailStatus, OutboxMessage
from app.mail.tasks import sweep
from tests.conftest import REDIS_URL
from tests.factories import OutboxMessageFactory
from tests.helpers import csrf_token, page_text
from tests.worker.test_real_worker import purge_queues, sending_app


def ago(**delta):
    return utcnow() - timedelta(**delta)


@contextmanager
def publishing(app):
    """Tasks queued in this block go to `app`'s broker instead of running in-process."""
    previous = current_celery._get_current_object()
    app.extensions["celery"].set_current()
    try:
        yield
    finally:
        previous.set_current()
        previous.set_default()


def waiting_in_broker(queue="mail"):
    with Connection(REDIS_URL) as connection:
        return connection.default_channel.queue_declare(queue, passive=True).message_count


@pytest.mark.committed
def test_the_sweeper_does_not_multiply_a_backlog(database_url):
    purge_queues(REDIS_URL)
    # A backlog made long ago, handed to the broker a minute ago: the broker has it.
    for _ in range(5):
        OutboxMessageFactory(created_at=ago(hours=2), handed_off_at=ago(minutes=1))
    # Two the broker lost (handed over an hour ago), one it never got.
    lost = [OutboxMessageFactory(created_at=ago(hours=2), handed_off_at=ago(hours=1)).id for _ in range(2)]
    lost.append(OutboxMessageFactory(handed_off_at=None).id)
    # Not due yet after a failure, and not queued: none of them is handed over.
    OutboxMessageFactory(handed_off_at=None, next_attempt_at=utcnow() + timedelta(minutes=5), attempts=1)
    OutboxMessageFactory(status=MailStatus.SENT, handed_off_at=ago(hours=1), created_at=ago(hours=2))

    with sending_app(database_url, REDIS_URL) as app, publishing(app):  # no worker: tasks stay in Redis
        first = sweep()
        second = sweep()
        third = sweep()

    assert first == {"handed_over": 3, "unconfirmed": 0}
    assert second == third == {"handed_over": 0, "unconfirmed": 0}
    assert waiting_in_broker() == 3
    handed = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.handed_off_at > ago(minutes=1))
        .order_by(OutboxMessage.id)
    ).all()
    assert handed == lost
    purge_queues(REDIS_URL)


def test_the_sweeper_sends_what_the_broker_never_got(inbox):
    message_id = OutboxMessageFactory(to="late@example.org", handed_off_at=None).id

    assert sweep() == {"handed_over": 1, "unconfirmed": 0}

    [(recipients, _email)] = inbox.wait_for(1)
    assert recipients == ["late@example.org"]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).status == MailStatus.SENT


def test_a_send_a_killed_worker_left_is_marked_unconfirmed_and_not_sent_again(client, auth, inbox):
    message = OutboxMessageFactory(
        to="maybe@example.org", status=MailStatus.SENDING, attempts=1, last_attempt_at=ago(minutes=30)
    )
    still_sending = OutboxMessageFactory(
        status=MailStatus.SENDING, attempts=1, last_attempt_at=ago(seconds=5)
    )

    assert sweep() == {"handed_over": 0, "unconfirmed": 1}
    assert sweep() == {"handed_over": 0, "unconfirmed": 0}

    assert inbox.received == []
    db.session.expire_all()
    assert (message.status, still_sending.status) == (MailStatus.UNCONFIRMED, MailStatus.SENDING)

    auth.login("admin")
    listing = page_text(client.get("/staff/outbox/"))
    assert "unconfirmed: may not have arrived" in listing
    page = client.get(f"/staff/outbox/{message.id}")
    assert "may or may not have arrived" in page_text(page) and "Send again" in page_text(page)

    token = csrf_token(client, f"/staff/outbox/{message.id}")
    sent = client.post(f"/staff/outbox/{message.id}/send-again", data={"csrf_token": token})
    assert sent.status_code == 302
    assert "The message is queued to be sent again." in page_text(client.get(sent.headers["Location"]))
    [(recipients, _email)] = inbox.wait_for(1)
    assert recipients == ["maybe@example.org"]


def test_the_outbox_names_states_in_korean(client, auth):
    OutboxMessageFactory(status=MailStatus.UNCONFIRMED, attempts=1, last_attempt_at=ago(minutes=30))
    OutboxMessageFactory(
        status=MailStatus.QUEUED, attempts=2, next_attempt_at=utcnow() + timedelta(minutes=2)
    )
    auth.login("admin")

    text = page_text(client.get("/staff/outbox/", headers={"Accept-Language": "ko"}))

    assert "확인 필요: 도착하지 않았을 수 있음" in text
    assert "발송 대기 중" in text and "2번째 시도가 실패했습니다" in text


def test_sending_again_is_refused_for_a_message_that_was_sent(client, auth, inbox):
    message = OutboxMessageFactory(status=MailStatus.SENT, sent_at=ago(minutes=1))
    auth.login("admin")
    token = csrf_token(client, f"/staff/outbox/{message.id}")

    response = client.post(f"/staff/outbox/{message.id}/send-again", data={"csrf_token": token})

    assert "Only a failed or unconfirmed message can be sent again." in page_text(
        client.get(response.headers["Location"])
    )
    time.sleep(0.2)
    assert inbox.received == []
