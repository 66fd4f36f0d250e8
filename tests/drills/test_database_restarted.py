"""PostgreSQL restarted during a burst of sign-ons to gunicorn in production mode.

While the database is down every sign-on is answered at once with the "busy, your signature was
not recorded" page (503, Retry-After), never a 500; each sign-on answered with the redirect to the
thanks page is in the database afterwards, and none answered "not recorded" is.
"""

import http.client
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.drills.conftest import wait_until
from tests.drills.postgres import PostgresCluster
from tests.helpers import time_limit
from tests.signatures.test_sign_end_to_end import free_port
from tests.worker.test_real_worker import INHERITED, ROOT

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
DATABASE = "undersigned"
CLIENTS = 6
#: The form holds anything sent sooner than SIGN_ON_MIN_SECONDS (3 s) after it was served.
THINK = 3.2
#: The longest any answer may take. The app refuses a sign-on past SIGN_ON_DEADLINE_SECONDS
#: (1.8 s) and a closed database refuses connections at once; the rest is slack for a machine
#: whose two cores are shared with other work (and a person who waits 5 s still waits).
SLOWEST = 5.0
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
STARTED = re.compile(r'name="started" type="hidden" value="([^"]+)"')
NOT_RECORDED = "Your signature was not recorded"


@dataclass
class Answer:
    method: str
    began: float
    ended: float
    status: int
    retry_after: str | None
    body: str
    email: str = ""

    @property
    def seconds(self):
        return self.ended - self.began


@pytest.fixture
def cluster():
    cluster = PostgresCluster()
    try:
        cluster.init()
        cluster.start()
        cluster.create_database(DATABASE)
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def site(cluster, private_redis, tmp_path):
    """The demo campaign migrated into the cluster, served by gunicorn as production runs it."""
    port = free_port()
    redis = f"redis://127.0.0.1:{private_redis.port}"
    env = {key: value for key, value in os.environ.items() if key not in INHERITED}
    env.update(
        APP_ENV="production",
        SECRET_KEY="drill-" + "k" * 58,
        DATABASE_URL=cluster.url(DATABASE),
        CELERY_BROKER_URL=f"{redis}/0",
        RATELIMIT_STORAGE_URI=f"{redis}/1",
        CACHE_URL=f"{redis}/2",
        PROXY_COUNT="1",
        PUBLIC_URL="https://127.0.0.1",
        MAIL_BACKEND="outbox",
        INSTANCE_PATH=str(tmp_path / "instance"),
        DOCUMENT_FOLDER=str(tmp_path / "documents"),
        PYTHONPATH=str(ROOT),
    )
    for args in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([BIN / "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, timeout=120)
    ((letter_id,),) = cluster.query(
        DATABASE, "SELECT id FROM letters WHERE status = 'open' ORDER BY id LIMIT 1"
    )
    command = [BIN / "gunicorn", "--worker-class", "app.core.timed_worker.TimedThreadWorker"]
    command += ["--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: _up(port, process), 60, "gunicorn did not answer")
        yield port, letter_id
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        print((tmp_path / "gunicorn.log").read_text()[-5000:])


def _up(port, process):
    assert process.poll() is None, "gunicorn exited"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


class Signer(threading.Thread):
    """One browser after another: GET the form, fill it in for THINK seconds, POST it."""

    def __init__(self, number, port, letter_id, stop):
        super().__init__(daemon=True)
        self.number, self.port, self.stop = number, port, stop
        self.path = f"/letters/{letter_id}/sign"
        self.answers = []

    def request(self, method, n, body=None, cookie=None, email=""):
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-For": f"10.9.{self.number}.{n % 250 + 1}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "en",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = "https://127.0.0.1"
            headers["Referer"] = "https://127.0.0.1" + self.path
        if cookie:
            headers["Cookie"] = cookie
        began = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, self.path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        answer = Answer(
            method, began, time.monotonic(), response.status, response.getheader("Retry-After"), text
        )
        answer.email, answer.cookie = email, response.getheader("Set-Cookie") or ""
        self.answers.append(answer)
        return answer

    def run(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            form = self.request("GET", n)
            if form.status != 200:
                time.sleep(0.3)
                continue
            time.sleep(THINK)
            email = f"drill-{self.number}-{n}@example.org"
            fields = {
                "csrf_token": CSRF.search(form.body).group(1),
                "started": STARTED.search(form.body).group(1),
                "kind": "individual",
                "name_en": f"Drill Signer {self.number} {n}",
                "name_ko": "",
                "line": "",
                "country": "GB",
                "email": email,
                "contact_name": "",
                "website": "",
                "display": "full",
                "consent": "y",
                "homepage": "",
            }
            cookie = form.cookie.split(";", 1)[0]
            self.request("POST", n, urlencode(fields), cookie, email)


def summary(answers, down, up):
    """What the clients saw, before, while and after the database was down (shown when it fails)."""
    phases = {"before": lambda a: a.ended < down, "down": lambda a: down < a.began and a.ended < up}
    phases["after"] = lambda a: a.began > up
    lines = []
    for name, belongs in phases.items():
        counts = {}
        for answer in filter(belongs, answers):
            key = f"{answer.method} {answer.status}"
            counts[key] = counts.get(key, 0) + 1
        lines.append(f"{name}: {dict(sorted(counts.items()))}")
    lines.append(f"slowest: {max(a.seconds for a in answers):.2f} s")
    return "\n".join(lines)


def test_postgresql_restarted_during_a_sign_on_burst(cluster, site):
    port, letter_id = site
    stop = threading.Event()
    signers = [Signer(number, port, letter_id, stop) for number in range(CLIENTS)]
    with time_limit(150):
        for signer in signers:
            signer.start()
            time.sleep(0.5)
        time.sleep(6)
        cluster.stop("fast")
        down = time.monotonic()
        time.sleep(5)
        up = time.monotonic()
        cluster.start()
        time.sleep(10)
        stop.set()
        for signer in signers:
            signer.join(timeout=60)
    answers = [answer for signer in signers for answer in signer.answers]
    posts = [answer for answer in answers if answer.method == "POST"]
    print(summary(answers, down, up))

    assert {answer.status for answer in answers} <= {200, 302, 503}, sorted({a.status for a in answers})
    while_down = [a for a in answers if down < a.began and a.ended < up]
    assert while_down and [a for a in while_down if a.method == "POST"]
    for answer in while_down:
        assert answer.status == 503 and answer.retry_after == "60", answer
    for answer in (a for a in posts if a.status == 503):
        assert NOT_RECORDED in answer.body and answer.retry_after
    accepted = {a.email for a in posts if a.status == 302}
    refused = {a.email for a in posts if a.status != 302}
    assert [a for a in posts if a.status == 302 and a.began < down]
    assert [a for a in posts if a.status == 302 and a.began > up]

    stored = {email for (email,) in cluster.query(DATABASE, "SELECT email FROM signatories")}
    assert accepted <= stored, f"accepted but not stored: {accepted - stored}"
    assert not refused & stored, f"answered 'not recorded' but stored: {refused & stored}"
    slowest = max(answers, key=lambda a: a.seconds)
    assert slowest.seconds < SLOWEST, slowest
