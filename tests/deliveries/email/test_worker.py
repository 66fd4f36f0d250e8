"""A real worker on a real broker sends each delivery once, whatever is run twice, fails, or is killed."""

import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.deliveries.covers import default_cover, save_cover
from app.deliveries.models import Delivery, DeliveryStatus
from app.deliveries.reply_address import token_from_address
from app.deliveries.tasks import sweep
from app.documents.verify import AUTHENTIC, verify_pdf
from app.extensions import db
from tests.conftest import AMQP_URL, REDIS_URL
from tests.deliveries.email.conftest import (
    HoldingInbox,
    Inbox,
    ScriptedInbox,
    SlowReadingInbox,
    StallingInbox,
    cover_text,
    delivery_row,
    events,
    make_delivery,
    open_letter,
    pdf_lines,
    pdf_of,
    slow_reading_smtp_server,
    special_smtp_server,
    stack,
    wait_for_delivery,
)
from tests.helpers import time_limit

pytestmark = [pytest.mark.committed, pytest.mark.slow]

#: The end of an SMTP message's data; dot-stuffing keeps it out of the body itself.
END_OF_DATA = b"\r\n.\r\n"


def claimed_long_ago(delivery_id):
    """As if the attempt had started longer ago than the sweeper waits for a live worker."""
    db.session.execute(
        sa.update(Delivery).where(Delivery.id == delivery_id).values(claimed_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()


def settle(handler, count, stack_, delivery_id):
    """Send the delivery once more and let the worker take it: `count` messages stay `count`."""
    stack_.send(delivery_id)
    time.sleep(3)
    assert len(handler.received) == count


def kill(worker):
    """SIGKILL the worker: with the solo pool it is one process, with no child left behind."""
    pid = worker.process.pid
    children = "".join(path.read_text() for path in Path(f"/proc/{pid}/task").glob("*/children"))
    assert children.split() == [], f"the worker {pid} has children: {children}"
    worker.process.send_signal(signal.SIGKILL)
    worker.process.wait(timeout=10)


def send_buffer_limit():
    """The most the kernel buffers for a TCP sender that sets no SO_SNDBUF (smtplib sets none)."""
    return int(Path("/proc/sys/net/ipv4/tcp_wmem").read_text().split()[2])


def long_cover():
    """A cover message of about 3 MB: with it the email is larger than any socket buffer."""
    _subject, body = default_cover("en")
    return body + "\n" + "We ask you again to protect the prisoners and the families who wait.\n" * 45_000


def wait_until(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"not within {timeout} s"
        time.sleep(0.1)


@pytest.mark.parametrize("broker_url", [REDIS_URL, AMQP_URL], ids=["redis", "rabbitmq"])
def test_a_worker_sends_the_delivery_once_with_its_signed_pdf_and_reply_address(
    database_url, broker_url, tmp_path
):
    handler = Inbox()
    with stack(database_url, broker_url, handler, tmp_path) as s:
        delivery = make_delivery("en")
        s.start_worker()
        s.send(delivery.id)
        s.send(delivery.id)  # a task run twice
        ((rcpts, message),) = handler.wait_for(1, timeout=60)
        row = wait_for_delivery(delivery.id, {DeliveryStatus.SENT})
        settle(handler, 1, s, delivery.id)

        assert rcpts == ["embassy@ukraine.example"]
        assert message["Message-ID"] == row.message_id
        assert token_from_address(message["Reply-To"]) == row.reply_token
        assert "Dear Ambassador of Ukraine," in cover_text(message)
        _name, pdf = pdf_of(message)
        assert verify_pdf(pdf).status == AUTHENTIC
        assert verify_pdf(pdf).sha256 == row.document_sha256
        lines = pdf_lines(pdf)
        assert lines[lines.index("Ambassador of Ukraine") + 1] == "1 Example-ro, Yongsan-gu"
        assert row.attempts == 1 and row.server_reply.startswith("250 ")


def test_a_server_answering_451_then_250_gives_one_message(database_url, tmp_path):
    handler = ScriptedInbox("451 4.7.1 Greylisted, try again")
    with stack(database_url, REDIS_URL, handler, tmp_path) as s:
        delivery = make_delivery("ko")
        s.start_worker(DELIVERY_RETRY_BASE="1")
        s.send(delivery.id)
        ((_rcpts, message),) = handler.wait_for(1, timeout=60)
        row = wait_for_delivery(delivery.id, {DeliveryStatus.SENT})
        settle(handler, 1, s, delivery.id)
    assert handler.answered == ["451 4.7.1 Greylisted, try again"]
    assert row.attempts == 2
    assert "주한 우크라이나 대사 귀하" in cover_text(message)
    assert "주한 우크라이나 대사" in pdf_lines(pdf_of(message)[1])
    assert message["Message-ID"] == row.message_id
    assert [e.to_status for e in events(delivery.id)] == ["sending", "queued", "sending", "sent"]


def test_a_server_answering_550_fails_the_delivery_with_the_reason(database_url, tmp_path):
    handler = ScriptedInbox("550 5.1.1 No such mailbox here")
    with stack(database_url, REDIS_URL, handler, tmp_path) as s:
        delivery = make_delivery("en")
        s.start_worker()
        s.send(delivery.id)
        row = wait_for_delivery(delivery.id, {DeliveryStatus.FAILED})
        settle(handler, 0, s, delivery.id)
    assert row.failure_reason == "refused"
    assert row.server_reply == "550 5.1.1 No such mailbox here"
    assert len(handler.answered) == 1


def test_a_worker_killed_before_the_message_was_handed_over_is_sent_again_exactly_once(
    database_url, tmp_path
):
    handler = StallingInbox()
    with stack(database_url, REDIS_URL, handler, tmp_path, server=special_smtp_server) as s:
        delivery = make_delivery("en")
        first = s.start_worker()
        s.send(delivery.id)
        assert handler.stalled.wait(60), first.output
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        row = delivery_row(delivery.id)
        assert row.status == DeliveryStatus.SENDING and row.handed_over_at is None

        handler.release.set()
        s.start_worker()
        claimed_long_ago(delivery.id)
        assert sweep()["sent_again"] == 1
        ((_rcpts, message),) = handler.wait_for(1, timeout=60)
        row = wait_for_delivery(delivery.id, {DeliveryStatus.SENT})
        settle(handler, 1, s, delivery.id)
    assert row.attempts == 2
    assert message["Message-ID"] == row.message_id
    assert [e.to_status for e in events(delivery.id)] == ["sending", "queued", "sending", "sent"]


def test_a_worker_killed_after_the_server_took_the_message_leaves_it_unconfirmed_and_sent_once(
    database_url, tmp_path
):
    handler = HoldingInbox()
    with stack(database_url, REDIS_URL, handler, tmp_path) as s:
        delivery = make_delivery("en")
        first = s.start_worker()
        s.send(delivery.id)
        assert handler.holding.wait(60), first.output
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        handler.release.set()
        row = delivery_row(delivery.id)
        assert row.status == DeliveryStatus.SENDING and row.handed_over_at is not None

        s.start_worker()
        claimed_long_ago(delivery.id)
        assert sweep()["unconfirmed"] == 1
        settle(handler, 1, s, delivery.id)
        assert sweep() == {"handed_over": 0, "sent_again": 0, "unconfirmed": 0}
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.UNCONFIRMED
    assert "may have arrived" in events(delivery.id)[-1].detail
    assert len(handler.received) == 1


def test_a_worker_killed_while_the_server_is_still_reading_the_message_is_sent_again_exactly_once(
    database_url, tmp_path
):
    handler = SlowReadingInbox(read_first=16 * 1024)
    with (
        time_limit(300),
        stack(database_url, REDIS_URL, handler, tmp_path, server=slow_reading_smtp_server) as s,
    ):
        letter = open_letter()
        save_cover(letter, "en", "Open letter: {title}", long_cover())
        db.session.commit()
        delivery = make_delivery("en", letter=letter)
        first = s.start_worker()
        s.send(delivery.id)
        assert handler.holding.wait(60), first.output
        time.sleep(1)  # time enough to commit the hand-over, were the worker not stuck in the body
        (body,) = handler.bodies
        read = len(body)
        assert handler.read_first <= read and END_OF_DATA not in body
        row = delivery_row(delivery.id)
        assert row.status == DeliveryStatus.SENDING and row.handed_over_at is None
        kill(first)

        handler.release.set()
        wait_until(lambda: len(handler.ended) == 1)
        assert END_OF_DATA not in handler.ended[0] and len(handler.ended[0]) >= read
        assert handler.received == []
        assert delivery_row(delivery.id).handed_over_at is None

        s.start_worker()
        claimed_long_ago(delivery.id)
        assert sweep()["sent_again"] == 1
        ((_rcpts, message),) = handler.wait_for(1, timeout=90)
        row = wait_for_delivery(delivery.id, {DeliveryStatus.SENT}, timeout=90)
        settle(handler, 1, s, delivery.id)

    # What the first worker had not sent when it was killed could not have been in any buffer
    # (the server's receive buffer, the worker's send buffer): it was blocked sending the body.
    _cut_off, sent = handler.ended  # two conversations reached DATA: the killed one and the retry
    whole = sent.index(END_OF_DATA) + len(END_OF_DATA)
    assert whole - read > handler.receive_buffer + send_buffer_limit()
    assert [m["Message-ID"] for _rcpts, m in handler.received] == [row.message_id]
    assert "We ask you again to protect the prisoners" in cover_text(message)
    assert row.attempts == 2 and row.server_reply.startswith("250 ")
    history = events(delivery.id)
    assert [e.to_status for e in history] == ["sending", "queued", "sending", "sent"]
    assert history[0].detail.startswith("attempt 1 to ") and history[2].detail.startswith("attempt 2 to ")
    assert history[1].detail == "the worker stopped before the message was handed over"
