"""Two real `celery -A worker beat` processes on one database: only the one holding the lock sends."""

import json
import time

import pytest
import redis
from sqlalchemy.engine import make_url

from tests.conftest import REDIS_URL
from tests.worker.test_real_worker import Worker

#: A Redis database of its own, so that no other test's worker takes the messages away.
BEAT_REDIS_URL = str(make_url(REDIS_URL).set(database="11"))


class Beat(Worker):
    command = [Worker.command[0], "-A", "worker", "beat", "--loglevel=INFO"]

    def wait_for(self, text, timeout=60):
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert self.process.poll() is None, f"beat exited early:\n{self.output}"
            assert time.monotonic() < deadline, f"no {text!r} after {timeout} s:\n{self.output}"
            time.sleep(0.2)


def senders(client):
    """{process id: tasks sent} of the scheduled tasks waiting in the default queue."""
    counts = {}
    for raw in client.lrange("default", 0, -1):
        origin = json.loads(raw)["headers"]["origin"]  # "gen<pid>@<host>"
        pid = int(origin.split("@")[0].removeprefix("gen"))
        counts[pid] = counts.get(pid, 0) + 1
    return counts


@pytest.fixture
def start_beat(database_url, tmp_path):
    beats = []

    def start(name):
        beat = Beat(
            APP_ENV="testing",
            DATABASE_URL=database_url,
            CELERY_BROKER_URL=BEAT_REDIS_URL,
            CELERY_TASK_ALWAYS_EAGER="0",
            INBOUND_POLL_SECONDS="1",  # a scheduled task every second
            INSTANCE_PATH=str(tmp_path / name),  # its own schedule file, as on another machine
        )
        beats.append(beat)
        return beat

    yield start
    for beat in beats:
        beat.stop()
        print(f"--- beat output ---\n{beat.output}")


@pytest.mark.slow
def test_a_second_beat_waits_and_sends_nothing_until_the_first_stops(start_beat):
    client = redis.Redis.from_url(BEAT_REDIS_URL)
    client.flushdb()
    first = start_beat("first")
    first.wait_for("holding the schedule lock")
    second = start_beat("second")
    second.wait_for("another beat holds the schedule")
    time.sleep(4)
    sent = senders(client)
    assert set(sent) == {first.process.pid} and sent[first.process.pid] >= 2, sent
    assert "holding the schedule lock" not in second.output

    first.stop()
    second.wait_for("holding the schedule lock", timeout=30)
    client.delete("default")
    time.sleep(3)
    assert set(senders(client)) == {second.process.pid}
    client.flushdb()
