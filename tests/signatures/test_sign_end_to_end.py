"""End to end: the real form, PostgreSQL, a real Celery worker on Redis and a real SMTP server.

The web side is a test client of an app that publishes tasks to Redis instead of running them;
a `celery -A worker worker` process takes the confirmation email and hands it to an SMTP server
listening on loopback; the signer follows the link in the email they received.
"""

import re
import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.demo.loader import load_demo
from app.extensions import db
from app.mail.models import MailStatus, OutboxMessage
from app.signatures.models import Signatory, Signature, SignatureStatus
from tests.conftest import REDIS_URL
from tests.helpers import page_text, publishing_app
from tests.signatures.conftest import press_button, sign
from tests.worker.test_real_worker import Worker, purge_queues

_CONFIRM = re.compile(r"https?://[^\s/]+(/s/confirm/\S+)")
_WITHDRAW = re.compile(r"https?://[^\s/]+(/s/withdraw/\S+)")


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.received = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.received.append((list(envelope.rcpt_tos), message))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=60):
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
        assert arrived, f"{len(self.received)} of {count} messages arrived within {timeout} s"
        return self.received


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


@pytest.fixture
def worker(database_url, smtp_server, tmp_path):
    """A real worker on the Redis broker that sends mail to the SMTP server above."""
    purge_queues(REDIS_URL)
    port, _inbox = smtp_server
    process = Worker(
        APP_ENV="testing",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="0",
        PREFLIGHT_CHECKS="1",
        INSTANCE_PATH=str(tmp_path / "worker-instance"),
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(port),
    )
    try:
        process.wait_until_ready()
        yield process
    finally:
        process.stop()
        print(f"--- worker output ---\n{process.output}")  # pytest shows it when the test failed


@pytest.fixture
def web(database_url, tmp_path):
    """An app whose Celery publishes to Redis, current for the test (views call task.delay())."""
    with publishing_app(database_url, tmp_path / "web-instance", REDIS_URL) as app:
        yield app


def row(statement):
    """Read afresh from PostgreSQL, outside any session."""
    with db.engine.connect() as connection:
        return connection.execute(statement).one()


def wait_for_row(statement, expected, timeout=30):
    deadline = time.monotonic() + timeout
    while (found := row(statement)) != expected:
        assert time.monotonic() < deadline, f"still {found} after {timeout} s, expected {expected}"
        time.sleep(0.2)
    return found


@pytest.mark.committed
@pytest.mark.slow
def test_a_korean_signer_confirms_through_the_email_a_real_worker_sent(web, worker, smtp_server):
    _port, inbox = smtp_server
    campaign, _created = load_demo()
    db.session.commit()
    letter = campaign.letters[0]
    title_ko = letter.current_version.title_ko
    client = web.test_client()

    response = sign(client, letter, lang="ko", name_en="", name_ko="김정삼", email="kim@example.kr")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/letters/{letter.id}/sign/thanks")
    [(recipients, message)] = inbox.wait_for(1)
    assert recipients == ["kim@example.kr"]
    assert message["To"] == "kim@example.kr"
    assert f"“{title_ko}”" in message["Subject"]
    body = message.get_content()
    assert body.startswith("김정삼 님, 안녕하세요.")
    assert "아래 링크를 눌러 서명을 확인해 주세요" in body
    confirm_path = _CONFIRM.search(body).group(1)
    sent = sa.select(OutboxMessage.to, OutboxMessage.status, OutboxMessage.attempts)
    wait_for_row(sent, ("kim@example.kr", MailStatus.SENT, 1))
    signature = (
        sa.select(Signature.status, Signatory.name_ko, Signatory.language)
        .join(Signatory)
        .where(Signature.letter_id == letter.id, Signatory.email == "kim@example.kr")
    )
    assert row(signature) == (SignatureStatus.PENDING, "김정삼", "ko")

    done = press_button(client, confirm_path, lang="ko")

    assert done.status_code == 200
    assert "감사합니다" in page_text(done)
    assert row(signature) == (SignatureStatus.CONFIRMED, "김정삼", "ko")
    assert len(inbox.received) == 1

    # The same person again, the address written differently: the page answers as before, the
    # address is told by email that it already signed, and nothing new is counted.
    count = sa.select(sa.func.count()).select_from(Signature).where(Signature.letter_id == letter.id)
    before = row(count)
    again = sign(client, letter, lang="ko", name_en="", name_ko="김정삼", email="Kim@Example.KR")
    assert again.status_code == 302
    assert again.headers["Location"] == response.headers["Location"]
    [_first, (recipients, already)] = inbox.wait_for(2)
    assert [address.lower() for address in recipients] == ["kim@example.kr"]
    assert already["Subject"] == f"“{title_ko}”에 이미 서명하셨습니다"
    assert row(count) == before

    # The withdrawal link of the confirmation email, used twice: withdrawn once, then told so.
    withdraw_path = _WITHDRAW.search(body).group(1)
    withdrawn = press_button(client, withdraw_path, lang="ko")
    assert withdrawn.status_code == 200
    assert row(signature) == (SignatureStatus.WITHDRAWN, "김정삼", "ko")
    twice = press_button(client, withdraw_path, lang="ko")
    assert twice.status_code in (200, 409) and row(signature) == (SignatureStatus.WITHDRAWN, "김정삼", "ko")
