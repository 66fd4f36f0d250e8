"""Each message is sent at most once; passing failures are tried again, the others fail with a reason."""

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.extensions import db
from app.mail.models import MailFailure, MailStatus, OutboxMessage
from app.mail.tasks import send_mail
from tests.factories import OutboxMessageFactory
from tests.mail.conftest import RefusingInbox, outbox, send_to, smtp_server
from tests.signatures.test_sign_end_to_end import Inbox, free_port


def stored(message_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_a_send_task_run_twice_gives_one_message_at_the_server(inbox):
    message_id = OutboxMessageFactory(to="once@example.org").id

    send_mail(message_id)
    send_mail(message_id)

    [(recipients, _email)] = inbox.wait_for(1)
    assert recipients == ["once@example.org"]
    message = stored(message_id)
    assert (message.status, message.attempts) == (MailStatus.SENT, 1)
    assert message.sent_at is not None and message.last_attempt_at <= message.sent_at
    assert len(inbox.received) == 1


def test_a_redelivered_task_sends_nothing_for_a_message_left_sending(inbox):
    message_id = OutboxMessageFactory(status=MailStatus.SENDING, attempts=1, last_attempt_at=utcnow()).id

    send_mail(message_id)

    assert inbox.received == []
    assert stored(message_id).status == MailStatus.SENDING


class WatchingInbox(Inbox):
    """Reads the message's row from PostgreSQL, on a connection of its own, while it is being sent."""

    def __init__(self, engine):
        super().__init__()
        self.engine = engine
        self.seen = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.seen = await asyncio.to_thread(self._read)
        return await super().handle_DATA(server, session, envelope)

    def _read(self):
        query = sa.select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_attempt_at)
        with self.engine.connect() as connection:
            return connection.execute(query).one()


@pytest.mark.committed
def test_the_sending_state_is_committed_before_the_smtp_conversation(app, monkeypatch):
    message_id = OutboxMessageFactory().id
    watcher = WatchingInbox(db.engine)
    with smtp_server(watcher) as port:
        send_to(app, monkeypatch, port)
        send_mail(message_id)
        watcher.wait_for(1)

    status, attempts, last_attempt_at = watcher.seen
    assert (status, attempts) == (MailStatus.SENDING, 1)
    assert last_attempt_at is not None
    assert stored(message_id).status == MailStatus.SENT


@pytest.mark.committed
def test_a_message_another_worker_holds_is_skipped_not_sent_twice(inbox):
    message_id = OutboxMessageFactory().id
    with db.engine.connect() as other_worker, other_worker.begin():
        other_worker.execute(
            sa.select(OutboxMessage.id).where(OutboxMessage.id == message_id).with_for_update()
        )
        send_mail(message_id)  # SKIP LOCKED: returns at once instead of waiting for the lock

    assert inbox.received == []
    assert stored(message_id).status == MailStatus.QUEUED


def test_a_refused_connection_is_tried_again_later_with_a_growing_wait(app, monkeypatch):
    send_to(app, monkeypatch, free_port())  # nothing listens there
    message_id = OutboxMessageFactory().id

    send_mail(message_id)
    first = stored(message_id)
    assert (first.status, first.attempts, first.failure_reason) == (MailStatus.QUEUED, 1, None)
    assert "Connection refused" in first.last_error
    assert timedelta(seconds=50) < first.next_attempt_at - utcnow() <= timedelta(minutes=1)

    send_mail(message_id)  # too early: not tried
    assert stored(message_id).attempts == 1

    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    send_mail(message_id)
    second = stored(message_id)
    assert (second.status, second.attempts) == (MailStatus.QUEUED, 2)
    assert timedelta(minutes=1) < second.next_attempt_at - utcnow() <= timedelta(minutes=2)


def test_the_wait_is_capped_and_the_last_attempt_gives_up_with_its_reason(app, monkeypatch):
    send_to(app, monkeypatch, free_port())
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 10)
    message_id = OutboxMessageFactory(attempts=8).id

    send_mail(message_id)
    ninth = stored(message_id)
    assert ninth.status == MailStatus.QUEUED
    assert timedelta(minutes=59) < ninth.next_attempt_at - utcnow() <= timedelta(hours=1)

    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=None))
    db.session.commit()
    send_mail(message_id)
    tenth = stored(message_id)
    assert (tenth.status, tenth.attempts, tenth.failure_reason) == (
        MailStatus.FAILED,
        10,
        MailFailure.GAVE_UP,
    )


@pytest.mark.parametrize(
    "code, text, status, reason",
    [
        pytest.param("451", "4.3.0 Try again later", MailStatus.QUEUED, None, id="temporary-is-tried-again"),
        pytest.param("550", "5.7.1 Relaying denied", MailStatus.FAILED, MailFailure.REFUSED, id="permanent"),
    ],
)
def test_a_refusal_is_tried_again_when_temporary_and_fails_the_message_with_its_reason_when_permanent(
    app, monkeypatch, code, text, status, reason
):
    with smtp_server(RefusingInbox(f"{code} {text}")) as port:
        send_to(app, monkeypatch, port)
        message_id = OutboxMessageFactory().id
        send_mail(message_id)

    message = stored(message_id)
    assert (message.status, message.failure_reason) == (status, reason)
    assert code in message.last_error and text in message.last_error
    assert (message.next_attempt_at is not None) == (status == MailStatus.QUEUED)


def test_a_header_the_email_library_refuses_fails_the_message_with_its_reason(inbox):
    message_id = OutboxMessageFactory(headers={"Message-ID": "<twice@example.org>"}).id

    send_mail(message_id)

    assert inbox.received == []
    message = stored(message_id)
    assert (message.status, message.failure_reason) == (MailStatus.FAILED, MailFailure.INVALID_MESSAGE)
    assert "Message-ID" in message.last_error
    assert [m.status for m in outbox()] == [MailStatus.FAILED]  # not queued forever
