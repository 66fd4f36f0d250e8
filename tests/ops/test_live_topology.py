"""The production topology on loopback: gunicorn with the repository's config, the Procfile's Celery
workers and beat, PostgreSQL, Redis, an SMTP server and Dovecot; a person signs on, staff approve,
the letter is rendered, delivered by email, and the recipient's reply is filed from the mailbox."""

import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from html import unescape
from pathlib import Path

import pytest
import redis
import requests

from app.demo.loader import SLUG as DEMO_SLUG
from config import Config
from tests.conftest import create_database, drop_database
from tests.core.test_startup_errors import SECRET
from tests.deliveries.email.conftest import pdf_lines, pdf_of
from tests.helpers import log_in, page_text
from tests.inbound.conftest import new_mailbox, running_dovecot
from tests.inbound.test_end_to_end import append, reply
from tests.letters.pages import form_on
from tests.mail.conftest import smtp_server
from tests.ops.test_topology_files import procfile
from tests.signatures.conftest import DEFAULTS, inputs, press_button
from tests.signatures.test_sign_end_to_end import Inbox, free_port
from tests.worker.test_real_worker import Worker, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.committed]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: Redis dbs no other test uses: the broker, the rate limits, the page cache.
BROKER_URL, LIMITS_URL, CACHE_URL = (f"redis://127.0.0.1:6379/{n}" for n in (5, 6, 7))
STAFF = "staff@coalition.example"
STAFF_PASSWORD = "a long staff password 7"
SIGNER = {"name_en": "Mirae Topology", "email": "mirae@example.org"}
EMBASSY = {
    "kind": "embassy",
    "name_en": "Embassy of the Topology Test",
    "address_en": "1 Example-ro\nSeoul 04001\nRepublic of Korea",
    "country": "KR",
    "emails": "desk@embassy.example",
    "preferred_language": "en",
}
#: Five processes import the app at once; on a busy machine of two cores that takes a while.
STARTUP_SECONDS = 180
_CONFIRM = re.compile(r"https?://[^\s/]+(/s/confirm/\S+)")
#: Where each step's task ran, as its worker logged it.
RAN_ON = {"worker-default": "inbound.file", "worker-mail": "deliveries.send", "worker-pdf": "pdf.render"}


def argv(line):
    """A Procfile command with its program from this virtualenv and one child per worker."""
    program, *rest = line
    rest = [arg for arg in rest if not arg.startswith("--concurrency=")]
    if rest[:2] == ["-A", "worker"] and "worker" in rest[2:3]:
        rest += ["--concurrency=1", "--without-mingle", "--without-gossip", "--loglevel=INFO"]
    return [str(BIN / program), *rest]


class Process(Worker):
    """A long-running process of the topology; its output (stderr merged) collected by a thread."""

    def __init__(self, name, command, env):
        self.name, self.command = name, command
        super().__init__(**env)


class Topology:
    """The running processes; every failed wait shows what each of them wrote."""

    def __init__(self, env):
        self.env, self.processes = env, []

    def start(self, name, command):
        process = Process(name, command, self.env)
        self.processes.append(process)
        return process

    def output(self, name):
        [process] = [p for p in self.processes if p.name == name]
        return process.output

    def logs(self):
        return "\n".join(f"--- {p.name} ---\n{p.output[-6000:]}" for p in self.processes)

    def stop(self):
        for process in self.processes:  # all at once: each takes a while to finish its work
            if process.process.poll() is None:
                process.process.terminate()
        for process in self.processes:
            process.stop()

    def wait(self, what, check, timeout=60):
        """Until check() gives a true value (returned); else fail naming `what`, with the logs."""
        deadline = time.monotonic() + timeout
        while not (found := check()):
            dead = [p.name for p in self.processes if p.process.poll() is not None]
            if dead or time.monotonic() > deadline:
                reason = f"{', '.join(dead)} stopped" if dead else f"not within {timeout} s"
                pytest.fail(f"{what}: {reason}\n{self.logs()}")
            time.sleep(0.3)
        return found


class Page:
    """A response of the live server as the test helpers read a test client's."""

    def __init__(self, response):
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.request = type("Request", (), {"path": requests.utils.urlparse(response.url).path})

    def get_data(self, as_text=False):
        return self.response.text if as_text else self.response.content


class Browser:
    """A browser on the live server. Production's cookies are Secure, for the HTTPS of the proxy in
    front of it; this browser talks plain HTTP to gunicorn, so it sends them back all the same."""

    def __init__(self, base):
        self.base = base
        self.session = requests.Session()

    def _kept(self, response):
        for cookie in self.session.cookies:
            cookie.secure = False
        return Page(response)

    def get(self, path, headers=None):
        url = self.base + path
        return self._kept(self.session.get(url, headers=headers, allow_redirects=False, timeout=30))

    def post(self, path, data=None, headers=None):
        url = self.base + path
        response = self.session.post(url, data=data, headers=headers, allow_redirects=False, timeout=30)
        return self._kept(response)


def flask(env, *args, stdin=None):
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"flask {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


def answered(url):
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def flush_redis():
    for url in (BROKER_URL, LIMITS_URL, CACHE_URL):
        client = redis.Redis.from_url(url)
        client.flushdb()
        client.close()


@pytest.fixture
def topology():
    """Everything started on loopback; stopped, flushed and dropped afterwards, also on failure."""
    with ExitStack() as cleanup:
        root = Path(tempfile.mkdtemp(prefix="undersigned-topology-"))
        cleanup.callback(shutil.rmtree, root, ignore_errors=True)
        flush_redis()
        cleanup.callback(flush_redis)
        database_url = create_database("undersigned_topology")
        cleanup.callback(drop_database, database_url)
        inbox = Inbox()
        smtp_port = cleanup.enter_context(smtp_server(inbox))
        dovecot = cleanup.enter_context(running_dovecot())
        mailbox = new_mailbox(dovecot)
        port = free_port()
        env = worker_env(
            APP_ENV="production",
            SECRET_KEY=SECRET,
            PUBLIC_URL=f"http://127.0.0.1:{port}",
            DATABASE_URL=database_url,
            CELERY_BROKER_URL=BROKER_URL,
            RATELIMIT_STORAGE_URI=LIMITS_URL,
            CACHE_URL=CACHE_URL,
            MAIL_BACKEND="smtp",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(smtp_port),
            DELIVERY_FROM="Coalition for the Return <coalition@coalition.example>",
            REPLY_TO_ADDRESS="replies@coalition.example",
            INSTANCE_PATH=str(root / "instance"),
            DOCUMENT_FOLDER=str(root / "documents"),
            UPLOAD_FOLDER=str(root / "uploads"),
            INBOUND_IMAP_URL=dovecot.url(mailbox),
            INBOUND_POLL_SECONDS="2",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="2",
            PYTHONUNBUFFERED="1",
        )
        flask(env, "db", "upgrade")
        loaded = flask(env, "demo", "load")
        flask(
            env, "users", "create", STAFF, "--role", "editor", "--password-stdin", stdin=STAFF_PASSWORD + "\n"
        )
        flask(env, "users", "grant", STAFF, DEMO_SLUG, "editor")  # roles are per campaign
        running = Topology(env)
        cleanup.callback(lambda: print(running.logs()))  # pytest shows it when the test failed
        cleanup.callback(running.stop)
        lines = procfile()
        for name, line in lines.items():
            running.start(name, argv(line))
        health = f"http://127.0.0.1:{port}/healthz"
        running.wait("gunicorn answering /healthz", lambda: answered(health), STARTUP_SECONDS)
        for process in running.processes:
            if process.name.startswith("worker-"):
                ready = lambda p=process: " ready." in p.output  # noqa: E731
                running.wait(f"{process.name} ready", ready, STARTUP_SECONDS)
        holding = lambda: "holding the schedule lock" in running.output("beat")  # noqa: E731
        running.wait("beat holding the schedule lock", holding, STARTUP_SECONDS)
        running.base = f"http://127.0.0.1:{port}"
        running.inbox, running.dovecot, running.mailbox = inbox, dovecot, mailbox
        running.campaign = re.search(r"/c/\S+", loaded).group(0)
        yield running


def letter_id(browser, campaign):
    page = browser.get(campaign + "?lang=en")
    assert page.status_code == 200, page.status_code
    return int(re.search(r"/letters/(\d+)/sign", page.get_data(as_text=True)).group(1))


def sign_on(topology, browser, letter, form):
    data = {"csrf_token": form["csrf_token"], "started": form["started"], **DEFAULTS, **SIGNER}
    response = browser.post(f"/letters/{letter}/sign", data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 302, page_text(response)
    assert response.headers["Location"].endswith(f"/letters/{letter}/sign/thanks")
    messages = topology.wait(
        "the confirmation email at the SMTP server",
        lambda: [m for rcpts, m in topology.inbox.received if rcpts == [SIGNER["email"]]],
    )
    link = _CONFIRM.search(messages[0].get_content())
    assert link.group(0).startswith(topology.base + "/s/confirm/"), link.group(0)  # built on PUBLIC_URL
    confirmed = press_button(browser, link.group(1))
    assert confirmed.status_code == 200 and "Thank you" in page_text(confirmed), page_text(confirmed)


def approve(staff, letter):
    listing = f"/staff/letters/{letter}/signatures?q={SIGNER['name_en'].replace(' ', '+')}"
    page = staff.get(listing)
    pattern = rf'action="(/staff/letters/{letter}/signatures/\d+/decide[^"]*)"'
    found = re.search(pattern, page.get_data(as_text=True))
    assert found, page_text(page)
    action, fields = form_on(page, action=unescape(found.group(1)))
    decided = staff.post(action, data={**fields, "to": "approved"})
    assert decided.status_code == 302, page_text(decided)


def add_recipient(staff):
    page = staff.get("/staff/recipients/new")
    _action, fields = form_on(page, method="post")
    created = staff.post("/staff/recipients/new", data={**fields, **EMBASSY})
    assert created.status_code == 302, page_text(created)
    return int(re.search(r"/staff/recipients/(\d+)", created.headers["Location"]).group(1))


def rendered_pdf(topology, browser, letter):
    def ready():
        page = browser.get(f"/letters/{letter}/en.pdf")
        return page if page.headers.get("Content-Type") == "application/pdf" else None

    page = topology.wait("the PDF rendered by the pdf worker", ready, timeout=90)
    return page.get_data()


def plan_and_queue(staff, letter, recipient):
    page = staff.get(f"/staff/letters/{letter}/deliveries")
    _action, fields = form_on(page, class_="plan")
    fields = {key: value for key, value in fields.items() if not key.endswith("-selected")}
    [prefix] = [key[: -len("recipient_id")] for key, value in fields.items() if value == str(recipient)]
    fields.update({prefix + "selected": "y", prefix + "channel": "email", prefix + "language": "en"})
    planned = staff.post(f"/staff/letters/{letter}/deliveries", data=fields)
    assert planned.status_code == 302, page_text(planned)
    batch = staff.get(planned.headers["Location"])
    found = re.search(r'action="(/staff/delivery-batches/\d+/queue)"', batch.get_data(as_text=True))
    assert found, page_text(batch)
    action, fields = form_on(batch, action=found.group(1))
    queued = staff.post(action, data=fields)
    assert queued.status_code == 302, page_text(queued)
    shown = staff.get(planned.headers["Location"]).get_data(as_text=True)
    return int(re.search(r"/staff/deliveries/(\d+)", shown).group(1))


def responses_section(staff, delivery):
    html = staff.get(f"/staff/deliveries/{delivery}?lang=en").get_data(as_text=True)
    return re.search(r'<section class="delivery-responses">.*?</section>', html, re.S).group(0)


def answer_on_page(staff, delivery):
    section = responses_section(staff, delivery)
    return None if "No response is logged yet." in section else section


def test_a_sign_on_a_render_a_delivery_and_a_reply_through_the_production_topology(topology):
    signer, staff = Browser(topology.base), Browser(topology.base)
    letter = letter_id(signer, topology.campaign)
    form = inputs(signer.get(f"/letters/{letter}/sign", headers={"Accept-Language": "en"}))
    opened = time.monotonic()
    assert log_in(staff, STAFF, STAFF_PASSWORD).status_code == 302
    recipient = add_recipient(staff)
    # As a person would: a form sent back sooner is held as a probable bot, and no email goes out.
    time.sleep(max(0, Config.SIGN_ON_MIN_SECONDS + 0.5 - (time.monotonic() - opened)))
    sign_on(topology, signer, letter, form)
    approve(staff, letter)

    lines = pdf_lines(rendered_pdf(topology, signer, letter))
    assert any(SIGNER["name_en"] in line for line in lines), lines

    delivery = plan_and_queue(staff, letter, recipient)
    sent = topology.wait(
        "the delivery email at the SMTP server",
        lambda: [m for rcpts, m in topology.inbox.received if rcpts == ["desk@embassy.example"]],
        timeout=90,
    )[0]
    _filename, attached = pdf_of(sent)
    assert any(SIGNER["name_en"] in line for line in pdf_lines(attached))
    assert sent["Reply-To"].startswith("replies+"), sent["Reply-To"]
    assert "No response is logged yet." in responses_section(staff, delivery)

    append(topology.dovecot, topology.mailbox, reply(sent["Reply-To"], "<answer-1@mofa.example.kr>"))
    section = topology.wait("the reply filed on the delivery's page", lambda: answer_on_page(staff, delivery))
    assert EMBASSY["name_en"] in section and "automatic repl" not in section, section
    web = topology.output("web")
    assert web.count("Booting worker with pid") == 2, web  # WEB_CONCURRENCY processes served these
    for name, task in RAN_ON.items():
        assert re.search(rf"Task {task}\[[^]]+\] succeeded", topology.output(name)), topology.logs()
