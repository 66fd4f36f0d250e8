"""Per-address limits hold across gunicorn's worker processes: production counts them in Redis."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from tests.core.test_startup_errors import INHERITED, ROOT, SECRET

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
#: The broker's Redis db; production then counts rate limits in db 12 and caches in db 13.
BROKER = "redis://127.0.0.1:6379/11"
VERIFY = "/api/v1/documents/verify"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(database_url, tmp_path):
    """gunicorn with two workers, as production runs; yields its port and its access log."""
    limits = redis.Redis.from_url("redis://127.0.0.1:6379/12")
    stale = limits.keys("LIMITS*")  # counts left by an earlier run within the minute
    if stale:
        limits.delete(*stale)
    limits.close()
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in INHERITED}
    env.update(
        APP_ENV="production",
        SECRET_KEY=SECRET,
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=BROKER,
        PUBLIC_URL="http://127.0.0.1",
        INSTANCE_PATH=str(tmp_path / "instance"),
    )
    log = tmp_path / "access.log"
    command = [GUNICORN, "-w", "2", "-b", f"127.0.0.1:{port}", "--access-logfile", str(log)]
    command += ["--access-logformat", "%(p)s %(s)s %(U)s", "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until_up(port, log, process)
        yield port, log
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()


def _pids(log, status, path):
    """The worker processes that answered `path` with `status`, from the access log (%(p)s is "<pid>")."""
    text = log.read_text() if log.exists() else ""
    return set(re.findall(rf"^<(\d+)> {status} {re.escape(path)}$", text, flags=re.M))


def _status(port, path, body=None):
    """The HTTP status of a GET (or a POST of `body`) on the loopback server; None while nothing answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        method = "GET" if body is None else "POST"
        connection.request(method, path, body=body, headers={"Content-Type": "application/pdf"})
        return connection.getresponse().status
    except OSError:  # not listening yet, or no worker booted yet
        return None
    finally:
        connection.close()


def _wait_until_up(port, log, process, seconds=60):
    """Until both workers have answered: each loads the app on its own."""
    deadline = time.monotonic() + seconds
    with ThreadPoolExecutor(max_workers=2) as pool:
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read()
            list(pool.map(lambda _: _status(port, "/healthz"), range(2)))
            if len(_pids(log, 200, "/healthz")) == 2:
                return
            time.sleep(0.2)
    raise AssertionError("gunicorn's two workers did not both start")


@pytest.mark.slow
def test_an_addresss_verify_limit_holds_across_two_worker_processes(server):
    port, log = server

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(lambda _: _status(port, VERIFY, b"not ours"), range(34)))
    assert statuses.count(200) == 30 and statuses.count(429) == 4, statuses
    time.sleep(0.5)  # the access log is written after each answer
    # Both workers allowed some of the 30, and refused the rest: they count together.
    assert len(_pids(log, 200, VERIFY)) == 2 and _pids(log, 429, VERIFY)
