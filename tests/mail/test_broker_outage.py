"""A broker that is down never turns a sign-on into an error: the email waits, the sweeper sends it."""

import time

import pytest
import sqlalchemy as sa

from app.mail.models import MailStatus, OutboxMessage
from tests.conftest import REDIS_URL
from tests.helpers import publishing_app
from tests.signatures.conftest import followed, make_open_letter, sign
from tests.signatures.test_sign_end_to_end import row, smtp_server, wait_for_row, worker  # noqa: F401
from tests.worker.test_real_worker import CLOSED_BROKER_URL, sending_app


@pytest.fixture
def web_without_broker(database_url, tmp_path):
    """An app whose broker does not answer, current for the test (views call task.delay())."""
    with publishing_app(database_url, tmp_path / "web-instance", CLOSED_BROKER_URL) as app:
        yield app


@pytest.mark.committed
@pytest.mark.slow
@pytest.mark.usefixtures("worker")
def test_a_sign_on_during_a_broker_outage_is_saved_and_its_email_sent_once_the_broker_is_back(
    web_without_broker,
    database_url,
    smtp_server,  # noqa: F811 (the fixture imported above)
):
    _port, inbox = smtp_server
    letter = make_open_letter()
    client = web_without_broker.test_client()

    started = time.monotonic()
    response = sign(client, letter, email="patient@example.org")

    assert time.monotonic() - started < 5  # no long retry loop inside the request
    assert "Check your email" in followed(client, response)
    message = sa.select(OutboxMessage.to, OutboxMessage.status, OutboxMessage.handed_off_at)
    assert row(message) == ("patient@example.org", MailStatus.QUEUED, None)
    assert inbox.received == []

    # The broker is back: beat's sweep runs on a worker and hands the email over.
    with sending_app(database_url, REDIS_URL) as app:
        app.extensions["celery"].send_task("mail.sweep", queue="mail", routing_key="mail")
        [(recipients, email)] = inbox.wait_for(1)

    assert recipients == ["patient@example.org"]
    assert "/s/confirm/" in email.get_content()
    sent = sa.select(OutboxMessage.status, OutboxMessage.attempts)
    wait_for_row(sent, (MailStatus.SENT, 1))
