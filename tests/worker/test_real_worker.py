"""A real `celery -A worker worker` process takes mail tasks from each broker and records them."""

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from celery import current_app as current_celery
from kombu import Connection

from app import create_app
from app.core.celery import QUEUES
from app.extensions import db
from app.mail.models import MailStatus, OutboxMessage
from tests.conftest import AMQP_URL, REDIS_URL
from tests.conftest import test_settings as app_settings  # not named test_*: pytest would collect it
from tests.factories import OutboxMessageFactory

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).parent / "celery")
WORKER_COMMAND = [
    CELERY,
    "-A",
    "worker",
    "worker",
    "--queues=default,mail,pdf",
    "--pool=solo",
    "--concurrency=1",
    "--loglevel=INFO",
]
CLOSED_BROKER_URL = "redis://127.0.0.1:1/0"

#: Settings a developer's shell may carry that would change what the worker sees.
INHERITED = ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")
INHERITED += ("PREFLIGHT_CHECKS", "INSTANCE_PATH", "MAIL_BACKEND", "FLASK_APP", "FLASK_RUN_FROM_CLI")


def worker_env(**settings):
    env = {key: value for key, value in os.environ.items() if key not in INHERITED}
    env.update(settings)
    return env


class Worker:
    """A worker subprocess; a thread collects its output (stderr merged into stdout)."""

    command = WORKER_COMMAND

    def __init__(self, **settings):
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=worker_env(**settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self):
        return "".join(self.lines)

    def wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while " ready." not in self.output:
            assert self.process.poll() is None, f"the worker exited early:\n{self.output}"
            assert time.monotonic() < deadline, f"the worker was not ready after {timeout} s:\n{self.output}"
            time.sleep(0.2)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)
        self.process.stdout.close()


def started_workers(make_worker):
    """A fixture's body: yields start(**settings), which makes a worker and waits until it is
    ready; stops every worker it started afterwards."""
    workers = []

    def start(**settings):
        worker = make_worker(**settings)
        workers.append(worker)
        worker.wait_until_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()
        print(f"--- worker output ---\n{worker.output}")  # pytest shows it when the test failed


@pytest.fixture
def start_worker(tmp_path):
    """Start a worker with the given environment and wait until it is ready; stop it afterwards."""
    yield from started_workers(
        lambda **settings: Worker(**{"INSTANCE_PATH": str(tmp_path / "worker-instance"), **settings})
    )


def purge_queues(broker_url):
    with Connection(broker_url) as connection:
        for name in QUEUES:
            try:
                with connection.channel() as channel:
                    channel.queue_purge(name)
            except connection.channel_errors:  # RabbitMQ: the queue does not exist yet
                pass


@pytest.fixture(params=[REDIS_URL, AMQP_URL], ids=["redis", "rabbitmq"])
def broker_url(request):
    purge_queues(request.param)
    return request.param


@contextmanager
def sending_app(database_url, broker_url):
    """A Flask app whose Celery sends to a real broker instead of running tasks in-process."""
    previous = current_celery._get_current_object()
    app = create_app(app_settings(database_url, CELERY_BROKER_URL=broker_url, CELERY_TASK_ALWAYS_EAGER=False))
    # Creating an app makes its Celery the process-wide one; other tests expect theirs back.
    previous.set_current()
    previous.set_default()
    try:
        with app.app_context():
            try:
                yield app
            finally:
                db.engine.dispose()
    finally:
        app.extensions["celery"].close()


def send_mail(app, message_id):
    app.extensions["celery"].send_task("mail.send", args=[message_id], queue="mail", routing_key="mail")


def wait_for_status(engine, message_id, status=MailStatus.KEPT, timeout=30):
    """Read the message's row afresh until it has `status`; return the row."""
    query = sa.select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.sent_at)
    query = query.where(OutboxMessage.id == message_id)
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as connection:
            row = connection.execute(query).one()
        if row.status == status:
            return row
        assert time.monotonic() < deadline, f"message {message_id} is still {row.status} after {timeout} s"
        time.sleep(0.2)


@pytest.mark.committed
@pytest.mark.slow
def test_worker_delivers_mail_sent_through_the_broker_once(start_worker, broker_url, database_url):
    start_worker(
        APP_ENV="testing",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        CELERY_TASK_ALWAYS_EAGER="0",
        PREFLIGHT_CHECKS="1",
    )
    first_id = OutboxMessageFactory().id
    second_id = OutboxMessageFactory().id
    engine = db.engine  # the test app's engine, on the same database as the worker

    with sending_app(database_url, broker_url) as app:
        send_mail(app, first_id)
        first = wait_for_status(engine, first_id)
        assert first.sent_at is not None
        assert first.attempts == 1

        # The solo worker takes mail in order: once the second message is kept,
        # the repeated send of the first has been handled too.
        send_mail(app, first_id)
        send_mail(app, second_id)
        assert wait_for_status(engine, second_id).attempts == 1

    assert wait_for_status(engine, first_id, timeout=0).attempts == 1


@pytest.mark.slow
def test_worker_delivers_mail_through_the_embedded_sqlite_broker(start_worker, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'undersigned.sqlite'}"
    broker_url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"

    with sending_app(database_url, broker_url) as app:
        from flask_migrate import upgrade

        upgrade()
        message_id = OutboxMessageFactory().id
        start_worker(
            APP_ENV="development",
            DATABASE_URL=database_url,
            CELERY_BROKER_URL=broker_url,
            INSTANCE_PATH=str(tmp_path),
        )
        send_mail(app, message_id)
        message = wait_for_status(db.engine, message_id)
        assert message.sent_at is not None
        assert message.attempts == 1


@pytest.mark.slow
def test_worker_with_unreachable_broker_stops_with_one_line_naming_the_setting(database_url, tmp_path):
    env = worker_env(
        APP_ENV="testing",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=CLOSED_BROKER_URL,
        PREFLIGHT_CHECKS="1",
        INSTANCE_PATH=str(tmp_path),
    )
    result = subprocess.run(WORKER_COMMAND, cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("undersigned: ") and "CELERY_BROKER_URL" in lines[0], output
