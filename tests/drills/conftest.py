"""Drills: real processes (workers, Redis, PostgreSQL, gunicorn) stopped in the middle of their work.

Each drill starts its own private servers on free loopback ports, so that stopping them disturbs
no one else on the machine; fixtures stop them, and undo mounts, also when the drill fails.
"""

import asyncio
import secrets
import subprocess
import threading
import time

import pytest
import sqlalchemy as sa

from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.deliveries.tasks import sweep
from app.extensions import db
from tests.deliveries.email.conftest import RECIPIENT, open_letter, rendered
from tests.factories import RecipientFactory
from tests.signatures.test_sign_end_to_end import Inbox, free_port

S = DeliveryStatus


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.1)


class SlowInbox(Inbox):
    """An SMTP server that takes `delay` seconds to answer each message it has been given whole,
    and holds its answer to the `hold_at`-th message until released: the drill breaks something then."""

    def __init__(self, delay, hold_at):
        super().__init__()
        self.delay, self.hold_at = delay, hold_at
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        reply = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(self.delay)
        if len(self.received) == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return reply

    def held(self, timeout=60):
        """Wait until the server holds the answer to the `hold_at`-th message; its Message-ID."""
        assert self.holding.wait(timeout), f"{len(self.received)} messages arrived within {timeout} s"
        return self.received[self.hold_at - 1][1]["Message-ID"]

    def message_ids(self):
        return [message["Message-ID"] for _rcpts, message in self.received]


def delivery_batch(count):
    """`count` queued email deliveries of one open letter, each to its own recipient, committed.

    They share one rendered document (one render instead of `count`: the drill is about sending).
    """
    letter = open_letter()
    recipients = [
        RecipientFactory(
            **{**RECIPIENT, "name_en": f"Ministry {n}", "emails": [f"office{n}@ministry.example"]}
        )
        for n in range(count)
    ]
    document = rendered(letter, "en", recipients[0])
    deliveries = [
        Delivery(
            letter_id=letter.id,
            version_id=letter.current_version.id,
            recipient_id=recipient.id,
            document_id=document.id,
            channel=Channel.EMAIL,
            language="en",
            status=S.QUEUED,
            reply_token=secrets.token_hex(16),
            destination=recipient.emails[0],
        )
        for recipient in recipients
    ]
    db.session.add_all(deliveries)
    db.session.commit()
    return [delivery.id for delivery in deliveries]


def rows(ids):
    """The deliveries as PostgreSQL has them now, read outside any session."""
    with db.engine.connect() as connection:
        return connection.execute(
            sa.select(Delivery.__table__).where(Delivery.id.in_(ids)).order_by(Delivery.id)
        ).all()


def statuses(ids):
    return tuple(row.status for row in rows(ids))


def wait_until_still(ids, quiet=5, timeout=60):
    """Wait until no delivery of the batch has changed for `quiet` seconds (the workers are idle)."""
    deadline = time.monotonic() + timeout
    last, since = statuses(ids), time.monotonic()
    while time.monotonic() - since < quiet:
        assert time.monotonic() < deadline, f"the batch kept changing for {timeout} s: {last}"
        time.sleep(0.5)
        now = statuses(ids)
        if now != last:
            last, since = now, time.monotonic()
    return last


def as_if_long_ago(ids):
    """As if the unfinished deliveries had been left longer than the sweeper waits for a live worker."""
    long_ago = sa.func.now() - sa.text("interval '1 hour'")
    db.session.execute(
        sa.update(Delivery)
        .where(Delivery.id.in_(ids), Delivery.status.in_([S.QUEUED, S.SENDING]))
        .values(claimed_at=long_ago, updated_at=long_ago)
    )
    db.session.commit()


def settle(ids, timeout=90):
    """Let the workers finish; then, as the periodic sweep would, hand over what they lost; repeat."""
    deadline = time.monotonic() + timeout
    while True:
        now = wait_until_still(ids, timeout=max(10, deadline - time.monotonic()))
        if all(status in (S.SENT, S.UNCONFIRMED) for status in now):
            return rows(ids)
        assert time.monotonic() < deadline, f"the batch did not settle within {timeout} s: {now}"
        as_if_long_ago(ids)
        sweep()


def check_once_each(handler, ids):
    """Every delivery sent or unconfirmed; none twice at the server; each sent one there, once."""
    settled = rows(ids)
    arrived = handler.message_ids()
    assert len(arrived) == len(set(arrived)), f"a message arrived twice: {sorted(arrived)}"
    assert {row.status for row in settled} <= {S.SENT, S.UNCONFIRMED}
    sent = {row.message_id for row in settled if row.status == S.SENT}
    unconfirmed = {row.message_id for row in settled if row.status == S.UNCONFIRMED}
    assert sent <= set(arrived), f"sent but never arrived: {sent - set(arrived)}"
    assert set(arrived) <= sent | unconfirmed, "a message arrived that no delivery sent"
    return settled


class RedisServer:
    """A private redis-server on a free loopback port, nothing kept on disk; killed and started again."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until(self.answers, 20, "redis-server did not start")

    def answers(self):
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        try:
            return client.ping()
        except redis.RedisError:
            assert self.process.poll() is None, "redis-server exited"
            return False
        finally:
            client.close()

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()
