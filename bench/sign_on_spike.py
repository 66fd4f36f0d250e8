"""Benchmark: the public sign-on form under a viral spike, gunicorn against PostgreSQL.

The target (ten times the UK Parliament's 2019 record of about 33 signatures a second):
at least 330 accepted sign-ons a second for 60 s, p99 of the POST under 100 ms, no 5xx, and
afterwards exactly one Signatory and one Signature row per accepted sign-on. Alongside it, in the
same run, a bare Flask endpoint (bench/bare_insert_app.py) inserting the same two rows, and the
ratio of the two sustainable throughputs (aim: at least 0.35).

Run: .venv/bin/python bench/sign_on_spike.py [--quick] [--sweep] [--rate 330] [--duration 60]

What it does, on loopback only (PostgreSQL 127.0.0.1:5432 user postgres, Redis 127.0.0.1:6379 db 14):

1. A fresh database (undersigned_bench), migrated, with the demo campaign (its letter is open).
2. gunicorn serving wsgi:app in production mode (APP_ENV=production, MAIL_BACKEND=smtp, broker,
   rate limits and cache on Redis db 14, PROXY_COUNT=1). No Celery worker runs: the confirmation
   mail tasks wait in Redis, and db 14 is purged at the end.
3. Virtual users behave as browsers behind a TLS proxy: GET /letters/<id>/sign, keep the session
   cookie, parse csrf_token and the signed `started` stamp from the HTML, wait like a person
   (3.2 to 4.0 s: the form holds anything sent within SIGN_ON_MIN_SECONDS = 3 s as a bot), then
   POST the form as multipart/form-data (the form's enctype) with every field a browser sends,
   a distinct name and email, and their own X-Forwarded-For address. Every request uses a new
   connection, as nginx does towards its upstream by default.
4. Phases against the app: a short warm-up; the spike (open loop: a new user arrives every
   1/rate s whatever the server does, for --duration s); a shared-address phase (many people
   behind few addresses, default per-address limits); a saturation burst (closed loop, a fixed
   number of requests in flight, each slot posting a user whose wait is over or else fetching
   a new form) that measures the most sign-ons a second the machine sustains.
5. gunicorn is stopped and the database checked: one Signatory and one Signature per 302 to the
   thanks page, none for any other answer.
6. The bare app, with the same gunicorn command and database, is driven the same way with POSTs
   only: at the same open-loop rate, then a saturation burst with the same requests in flight.
   ratio = app sign-ons/s / bare inserts/s, both from their saturation bursts.
7. A figure that depends little on the machine's other load: gunicorn's CPU milliseconds per
   accepted sign-on in each saturation burst (read from /proc). The app's burst ends with a
   drain that posts every form still waiting, so its figure is one GET plus one POST; the bare
   app's is one POST.

The load generator is one asyncio process (aiohttp) on the same 2 cores; its CPU share is
reported, with gunicorn's, PostgreSQL's, Redis's and the rest of the machine's, per phase.
"""

import argparse
import asyncio
import contextlib
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
PG = "postgresql://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/14"
DB_NAME = "undersigned_bench"
THINK = (3.2, 4.0)  # seconds a virtual user takes to fill the form: more than SIGN_ON_MIN_SECONDS
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)
CSRF_RE = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
STARTED_RE = re.compile(rb'name="started" type="hidden" value="([^"]+)"')
#: gunicorn configurations tried by --sweep: (worker class, workers, threads).
CANDIDATES = [
    ("gthread", 2, 8),
    ("gthread", 3, 4),
    ("gthread", 4, 4),
    ("gthread", 4, 2),
    ("sync", 4, 1),
    ("sync", 6, 1),
]
#: The overload phase offers this many times the saturation burst's accepted rate ...
OVERLOAD = 3
#: ... to clients who stop waiting after this many seconds (a person, or a proxy's timeout).
GIVE_UP = 5.0
#: Every answer under overload must come within this many seconds.
ANSWER_WITHIN_MS = 2000
#: Each measured phase of the app and the prefix of its signers' emails.
PHASE_PREFIXES = (("spike", "spike"), ("shared", "shared"), ("burst", "burst"), ("overload", "over"))
#: The configuration kept (best of the sweep on this machine; see the module's report).
DEFAULT_CONFIG = ("gthread", 3, 4)


# --------------------------------------------------------------------------- environment


def environment(port_db=DB_NAME):
    env = dict(os.environ)
    env.update(
        APP_ENV="production",
        SECRET_KEY="bench-" + "k" * 58,
        DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:5432/{port_db}",
        CELERY_BROKER_URL=REDIS_URL,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        CACHE_URL=REDIS_URL,
        PROXY_COUNT="1",
        PUBLIC_URL="https://127.0.0.1",  # the host every request names; links in emails
        MAIL_BACKEND="smtp",
        INSTANCE_PATH=str(Path(os.environ.get("TMPDIR", "/tmp")) / "undersigned-bench-instance"),
        PYTHONPATH=str(ROOT),
    )
    env.pop("FLASK_RUN_FROM_CLI", None)
    return env


def run(cmd, env, timeout=120):
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def setup_database(env):
    pg_bin = shutil.which("createdb") or "createdb"
    dropdb = shutil.which("dropdb") or "dropdb"
    run([dropdb, "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], env)
    run([pg_bin, "-h", "127.0.0.1", "-U", "postgres", DB_NAME], env)
    run([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], env)
    run([str(VENV_BIN / "flask"), "--app", "wsgi", "demo", "load"], env)
    with connect() as conn:
        letter_id = conn.execute(
            "SELECT id FROM letters WHERE status = 'open' ORDER BY id LIMIT 1"
        ).fetchone()[0]
    return letter_id


def connect():
    import psycopg

    return psycopg.connect(f"{PG}/{DB_NAME}", autocommit=True)


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL)


# --------------------------------------------------------------------------- gunicorn


def gunicorn_command(target, config, port):
    """Production's command (gunicorn.conf.py), with the processes and threads under test."""
    worker_class, workers, threads = config
    cmd = [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--workers", str(workers)]
    if worker_class == "gthread":
        cmd += ["--threads", str(threads)]  # the config's timed threaded worker
    else:
        cmd += ["--worker-class", worker_class]
    cmd += ["--bind", f"127.0.0.1:{port}", "--backlog", "2048", target]
    return cmd


class Server:
    """One gunicorn, started in its own session and stopped by its own pid."""

    def __init__(self, target, config, port, env, log_path, probe_path):
        self.cmd = gunicorn_command(target, config, port)
        self.port = port
        self.env = env
        self.log_path = log_path
        self.probe_path = probe_path
        self.process = None

    def start(self, timeout=60):
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            self.cmd,
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}{self.probe_path}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                request = urllib.request.Request(url, method=self.probe_method)
                with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 (loopback)
                    if response.status < 500:
                        break
            except urllib.error.HTTPError as error:
                if error.code < 500:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            self.stop()
            sys.exit(f"gunicorn did not answer within {timeout} s; see {self.log_path}")
        time.sleep(0.5)  # every worker booted (preloaded: they fork at once)

    probe_method = "GET"

    def pids(self):
        """The master and its workers."""
        if self.process is None:
            return []
        master = self.process.pid
        found = [master]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == master:
                    found.append(int(entry))
        return found

    def stop(self, timeout=30):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their requests
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.log.close()


# --------------------------------------------------------------------------- CPU accounting

TICK = os.sysconf("SC_CLK_TCK")
NPROC = os.cpu_count() or 1


def _ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except OSError:
        return 0


def _by_name(*names):
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().strip() in names:
                        pids.append(int(entry))
            except OSError:
                pass
    return pids


def _busy_ticks():
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return sum(values) - values[3] - values[4]  # minus idle and iowait


class CpuMeter:
    """CPU used during a phase, as a share of the whole machine (nproc cores)."""

    def __init__(self, server):
        self.server = server

    def snapshot(self):
        gunicorn_pids = self.server.pids()
        return {
            "wall": time.monotonic(),
            "machine": _busy_ticks(),
            "client": sum(os.times()[:2]) * TICK,
            "gunicorn": {pid: _ticks(pid) for pid in gunicorn_pids},
            "postgres": {pid: _ticks(pid) for pid in _by_name("postgres")},
            "redis": {pid: _ticks(pid) for pid in _by_name("redis-server")},
        }

    def settle(self, quiet_ticks=2, step=0.5, timeout=60):
        """Wait until gunicorn is idle (requests of an earlier phase that clients gave up on are
        still served), so that a phase's CPU is its own."""
        deadline = time.monotonic() + timeout
        last = sum(_ticks(pid) for pid in self.server.pids())
        while time.monotonic() < deadline:
            time.sleep(step)
            now = sum(_ticks(pid) for pid in self.server.pids())
            if now - last <= quiet_ticks:
                return
            last = now

    @staticmethod
    def share(before, after):
        capacity = (after["wall"] - before["wall"]) * TICK * NPROC
        if capacity <= 0:
            return {}

        def delta(key):
            old, new = before[key], after[key]
            if isinstance(new, dict):
                return sum(ticks - old.get(pid, 0) for pid, ticks in new.items())
            return new - old

        out = {key: delta(key) / capacity for key in ("machine", "client", "gunicorn", "postgres", "redis")}
        out["seconds"] = {key: delta(key) / TICK for key in ("gunicorn", "postgres", "redis")}
        out["other"] = max(
            0.0, out["machine"] - out["client"] - out["gunicorn"] - out["postgres"] - out["redis"]
        )
        return out


def cpu_text(share):
    if not share:
        return "n/a"
    return (
        f"machine {share['machine']:.0%} of {NPROC} cores: gunicorn {share['gunicorn']:.0%}, "
        f"postgres {share['postgres']:.0%}, redis {share['redis']:.0%}, "
        f"load generator {share['client']:.0%}, other processes {share['other']:.0%}"
    )


# --------------------------------------------------------------------------- the load


class Stats:
    def __init__(self, name):
        self.name = name
        self.offered = None  # users per second offered, for open-loop phases
        self.get_ms = []
        self.post_ms = []
        self.get_status = {}
        self.post_status = {}
        self.accepted = []  # emails
        self.refused = []  # emails whose POST got anything but the redirect to the thanks page
        self.accepted_at = []  # completion times (loop clock) of accepted POSTs, drain excluded
        self.first_post = None
        self.last_post = None
        self.max_lag = 0.0
        self.arrivals = 0
        self.peak_users = 0
        self.cpu = {}

    @staticmethod
    def count(table, key):
        table[key] = table.get(key, 0) + 1

    def five_xx(self):
        return sum(
            n for table in (self.get_status, self.post_status) for k, n in table.items() if str(k)[0] == "5"
        )

    def errors(self):
        return sum(
            n
            for table in (self.get_status, self.post_status)
            for k, n in table.items()
            if not str(k).isdigit()
        )

    def accepted_per_s(self):
        if not self.accepted_at or self.first_post is None:
            return 0.0
        span = max(self.accepted_at) - self.first_post
        return len(self.accepted_at) / span if span > 0 else 0.0

    def cpu_ms(self, key="gunicorn"):
        """CPU milliseconds of `key`'s processes per accepted sign-on over the whole phase.

        In a burst with its drain every form fetched is posted, so for the app this is the cost
        of one GET of the form plus one POST; for the bare app, of one POST.
        """
        seconds = self.cpu.get("seconds", {}).get(key)
        if seconds is None or not self.accepted:
            return float("nan")
        return seconds * 1000 / len(self.accepted)


def pct(samples, q):
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered))) - 1))]


class Client:
    """Browser-like virtual users on one aiohttp session; the cookie is kept by hand per user."""

    def __init__(self, session, base, letter_id, run_id, body_format):
        self.session = session
        self.base = base
        self.letter_id = letter_id
        self.path = f"/letters/{letter_id}/sign"
        self.url = base + self.path
        self.run_id = run_id
        self.body_format = body_format
        self.loop = asyncio.get_running_loop()

    def headers(self, ip):
        return {
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "en-GB,en;q=0.9",
            "Accept-Encoding": "identity",
            "X-Forwarded-For": ip,
            "X-Forwarded-Proto": "https",  # TLS ends at the proxy; the session cookie is Secure
        }

    async def fetch_form(self, stats, ip):
        """GET the form: (cookie, csrf_token, started) or None."""
        start = self.loop.time()
        try:
            async with self.session.get(
                self.url, headers=self.headers(ip), allow_redirects=False
            ) as response:
                body = await response.read()
                status = response.status
                cookies = response.headers.getall("Set-Cookie", [])
        except (TimeoutError, OSError, Exception) as error:  # noqa: BLE001 (counted, not raised)
            stats.count(stats.get_status, type(error).__name__)
            return None
        stats.get_ms.append((self.loop.time() - start) * 1000)
        stats.count(stats.get_status, status)
        if status != 200:
            return None
        csrf, started = CSRF_RE.search(body), STARTED_RE.search(body)
        session = next((c.split(";", 1)[0] for c in cookies if c.startswith("session=")), None)
        if not (csrf and started and session):
            stats.count(stats.get_status, "unparsed")
            return None
        return session, csrf.group(1).decode(), started.group(1).decode()

    def body(self, n, email, token, started):
        fields = [
            ("csrf_token", token),
            ("started", started),
            ("kind", "individual"),
            ("name_en", f"Spike Signer {n}"),
            ("name_ko", ""),
            ("line", "Bench sign-on"),
            ("country", "GB"),
            ("email", email),
            ("contact_name", ""),
            ("website", ""),
            ("logo", None),  # the empty file input a browser sends
            ("display", "full"),
            ("consent", "y"),
            ("homepage", ""),
        ]
        if self.body_format == "urlencoded":
            from urllib.parse import urlencode

            return urlencode(
                [(k, v or "") for k, v in fields if k != "logo"]
            ), "application/x-www-form-urlencoded"
        boundary = f"----WebKitFormBoundary{random.getrandbits(64):016x}"
        parts = []
        for name, value in fields:
            if value is None:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n\r\n"
                )
            else:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                )
        parts.append(f"--{boundary}--\r\n")
        return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"

    async def post_form(self, stats, ip, n, email, form, timed=True):
        """POST one user's form; `timed=False` (a burst's drain) keeps it out of the rate and times."""
        session, token, started = form if form else ("", "", "")
        data, content_type = self.body(n, email, token, started)
        headers = self.headers(ip)
        headers.update(
            {
                "Content-Type": content_type,
                "Origin": "https://127.0.0.1",
                "Referer": "https://127.0.0.1" + self.path,
            }
        )
        if session:
            headers["Cookie"] = session
        start = self.loop.time()
        if stats.first_post is None and timed:
            stats.first_post = start
        try:
            async with self.session.post(
                self.url, data=data, headers=headers, allow_redirects=False
            ) as response:
                await response.read()
                status = response.status
                location = response.headers.get("Location", "")
        except (TimeoutError, OSError, Exception) as error:  # noqa: BLE001
            stats.count(stats.post_status, type(error).__name__)
            stats.refused.append(email)
            return False
        end = self.loop.time()
        if timed:
            stats.post_ms.append((end - start) * 1000)
            stats.last_post = end
        stats.count(stats.post_status, status)
        if status == 302 and location.endswith(f"/letters/{self.letter_id}/sign/thanks"):
            stats.accepted.append(email)
            if timed:
                stats.accepted_at.append(end)
            return True
        stats.refused.append(email)
        return False

    async def user(self, stats, n, ip, prefix, get_form=True):
        """One person: fetch the form, fill it in, send it."""
        email = f"{prefix}-{self.run_id}-{n}@example.org"
        form = None
        if get_form:
            form = await self.fetch_form(stats, ip)
            if form is None:
                return
            await asyncio.sleep(random.uniform(*THINK))
        await self.post_form(stats, ip, n, email, form)


def address(n, block):
    """A distinct client address per virtual user (10.<block>.x.y)."""
    return f"10.{block}.{(n // 250) % 250}.{n % 250 + 1}"


async def open_loop(
    client, stats, rate, duration, prefix, block, get_form=True, addresses=None, max_users=20000
):
    """Open loop: user n arrives at start + n / rate, however the server is doing."""
    loop = asyncio.get_running_loop()
    total = int(rate * duration)
    tasks = set()
    start = loop.time() + 0.05
    for n in range(total):
        due = start + n / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            stats.max_lag = max(stats.max_lag, -delay)
        if len(tasks) >= max_users:  # bounded: a stalled server must not grow the client without end
            stats.count(stats.get_status, "not-started")
            continue
        ip = addresses[n % len(addresses)] if addresses else address(n, block)
        task = asyncio.create_task(client.user(stats, n, ip, prefix, get_form))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        stats.arrivals += 1
        stats.peak_users = max(stats.peak_users, len(tasks))
    if tasks:
        await asyncio.wait(tasks, timeout=60)
        for task in tasks:
            task.cancel()


async def saturate(client, stats, slots, duration, prefix, block, get_form=True):
    """Closed loop: `slots` requests always in flight. A slot posts the oldest user whose wait is
    over, or else fetches a form for a new user. Only POSTs are timed into accepted/s.

    Then the drain: the forms still waiting are posted once their user's wait is over, outside
    the rate and the times, so that the phase's CPU covers one POST for every form fetched."""
    loop = asyncio.get_running_loop()
    end = loop.time() + duration
    waiting = []  # (ready at, n, ip, form), oldest first
    counter = iter(range(10**9))

    async def slot():
        while loop.time() < end:
            if not get_form or (waiting and waiting[0][0] <= loop.time()):
                if get_form:
                    _ready, n, ip, form = waiting.pop(0)
                else:
                    n = next(counter)
                    ip, form = address(n, block), None
                await client.post_form(stats, ip, n, f"{prefix}-{client.run_id}-{n}@example.org", form)
            else:
                n = next(counter)
                ip = address(n, block)
                form = await client.fetch_form(stats, ip)
                if form is not None:
                    waiting.append((loop.time() + random.uniform(*THINK), n, ip, form))

    async def drain():
        while waiting:
            ready, n, ip, form = waiting.pop(0)
            await asyncio.sleep(max(0.0, ready - loop.time()))
            email = f"{prefix}-{client.run_id}-{n}@example.org"
            await client.post_form(stats, ip, n, email, form, timed=False)

    await asyncio.wait_for(asyncio.gather(*(slot() for _ in range(slots))), timeout=duration + 60)
    await asyncio.wait_for(asyncio.gather(*(drain() for _ in range(slots))), timeout=60)


async def phase(name, meter, coroutine_factory, aiohttp, base, letter_id, run_id, body_format, give_up=30):
    """One measured phase; a client waits at most `give_up` seconds for an answer."""
    stats = Stats(name)
    timeout = aiohttp.ClientTimeout(total=give_up)
    connector = aiohttp.TCPConnector(force_close=True, limit=0)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False
    ) as session:
        client = Client(session, base, letter_id, run_id, body_format)
        meter.settle()
        before = meter.snapshot()
        await coroutine_factory(client, stats)
        stats.cpu = CpuMeter.share(before, meter.snapshot())
    return stats


# --------------------------------------------------------------------------- checks


def check_rows(stats, prefix, run_id, with_outbox):
    """Rows for this phase's emails: one Signatory and one Signature per accepted sign-on."""
    pattern = f"{prefix}-{run_id}-%"
    with connect() as conn:
        rows = conn.execute(
            "SELECT sy.email, count(DISTINCT sy.id), count(s.id) FROM signatories sy "
            "LEFT JOIN signatures s ON s.signatory_id = sy.id WHERE sy.email LIKE %s GROUP BY sy.email",
            (pattern,),
        ).fetchall()
        states = conn.execute(
            "SELECT s.status, s.hold_reason, count(*) FROM signatures s JOIN signatories sy "
            "ON sy.id = s.signatory_id WHERE sy.email LIKE %s GROUP BY 1, 2 ORDER BY 3 DESC",
            (pattern,),
        ).fetchall()
        outbox = (
            conn.execute('SELECT count(*) FROM outbox_messages WHERE "to" LIKE %s', (pattern,)).fetchone()[0]
            if with_outbox
            else None
        )
    by_email = {email: (signatories, signatures) for email, signatories, signatures in rows}
    accepted = set(stats.accepted)
    exact = all(by_email.get(email) == (1, 1) for email in accepted)
    stray = [email for email in by_email if email not in accepted]
    signatories = sum(v[0] for v in by_email.values())
    signatures = sum(v[1] for v in by_email.values())
    return {
        "ok": exact and not stray and len(accepted) == len(stats.accepted),
        "signatories": signatories,
        "signatures": signatures,
        "accepted": len(stats.accepted),
        "stray": len(stray),
        "states": ", ".join(f"{s}{'/' + h if h else ''} {n}" for s, h, n in states) or "none",
        "outbox": outbox,
    }


# --------------------------------------------------------------------------- report


def describe(stats, rate=None):
    lines = [f"== {stats.name}"]
    if rate:
        span = stats.arrivals / rate if rate else 0
        lines.append(
            f"   offered {rate:g} users/s, {stats.arrivals} users over {span:.0f} s (open loop); "
            f"generator lag max {stats.max_lag * 1000:.0f} ms; peak concurrent users {stats.peak_users}"
        )
    drained = len(stats.accepted) - len(stats.accepted_at)
    lines.append(
        f"   accepted sign-ons {len(stats.accepted_at)}: {stats.accepted_per_s():.1f}/s"
        + (f" (and {drained} forms posted in the drain)" if drained else "")
    )
    if stats.post_ms:
        lines.append(
            f"   POST ms p50 {pct(stats.post_ms, 50):.1f}  p95 {pct(stats.post_ms, 95):.1f}  "
            f"p99 {pct(stats.post_ms, 99):.1f}  max {max(stats.post_ms):.1f}  (n={len(stats.post_ms)})"
        )
    if stats.get_ms:
        lines.append(
            f"   GET  ms p50 {pct(stats.get_ms, 50):.1f}  p95 {pct(stats.get_ms, 95):.1f}  "
            f"p99 {pct(stats.get_ms, 99):.1f}  max {max(stats.get_ms):.1f}  (n={len(stats.get_ms)})"
        )
    get_status = dict(sorted(stats.get_status.items(), key=str))
    post_status = dict(sorted(stats.post_status.items(), key=str))
    lines.append(f"   status GET {get_status}  POST {post_status}")
    lines.append(f"   5xx {stats.five_xx()}, connection errors {stats.errors()}")
    lines.append(f"   CPU {cpu_text(stats.cpu)}")
    if stats.accepted and stats.cpu:
        lines.append(
            f"   CPU ms per accepted sign-on: gunicorn {stats.cpu_ms():.1f}, "
            f"postgres {stats.cpu_ms('postgres'):.1f}, redis {stats.cpu_ms('redis'):.1f}"
        )
    if stats.accepted_at:
        seconds = {}
        for t in stats.accepted_at:
            seconds[int(t - stats.first_post)] = seconds.get(int(t - stats.first_post), 0) + 1
        full = [seconds.get(s, 0) for s in range(1, max(seconds))] if len(seconds) > 2 else []
        if full:
            lines.append(
                f"   accepted per whole second: min {min(full)}, "
                f"median {statistics.median(full):.0f}, max {max(full)}"
            )
    return "\n".join(lines)


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return model


# --------------------------------------------------------------------------- main


@contextlib.contextmanager
def measured_phases(server, args, letter_id, run_id, aiohttp):
    """Start the server; yield go(name, factory), which runs one measured phase against it; stop
    the server afterwards."""
    server.start()
    meter = CpuMeter(server)
    base = f"http://127.0.0.1:{server.port}"

    def go(name, factory, give_up=30):
        return phase(name, meter, factory, aiohttp, base, letter_id, run_id, args.body, give_up)

    try:
        yield go
    finally:
        server.stop()


async def drive_app(args, env, letter_id, config, run_id, aiohttp, full=True):
    """All phases against the real app; returns the stats by phase and the gunicorn command."""
    server = Server("wsgi:app", config, args.port, env, args.log, f"/letters/{letter_id}/sign")
    out = {}
    with measured_phases(server, args, letter_id, run_id, aiohttp) as go:
        await go("warm-up", lambda c, s: open_loop(c, s, min(50, args.rate), 2, "warm", 1))
        out["spike"] = await go(
            f"sign-on spike, {args.duration:g} s",
            lambda c, s: open_loop(c, s, args.rate, args.duration, "spike", 2),
        )
        if full:
            shared = [f"192.0.2.{n + 1}" for n in range(args.shared_addresses)]
            out["shared"] = await go(
                f"shared addresses: {args.shared_users} users behind {args.shared_addresses} addresses, "
                "default limits",
                lambda c, s: open_loop(c, s, args.shared_users / 10, 10, "shared", 3, addresses=shared),
            )
            out["burst"] = await go(
                f"app saturation burst, {args.burst:g} s, {args.slots} requests in flight",
                lambda c, s: saturate(c, s, args.slots, args.burst, "burst", 4),
            )
            rate = OVERLOAD * out["burst"].accepted_per_s()
            out["overload"] = await go(
                f"overload: {OVERLOAD} x the saturation rate = {rate:.0f} users/s for {args.overload:g} s, "
                f"clients give up after {GIVE_UP:g} s",
                lambda c, s: open_loop(c, s, rate, args.overload, "over", 8),
                give_up=GIVE_UP,
            )
            out["overload"].offered = rate
    return out, " ".join(Path(p).name if i == 0 else p for i, p in enumerate(server.cmd))


async def drive_bare(args, env, letter_id, config, run_id, aiohttp):
    server = Server(
        "bench.bare_insert_app:app", config, args.port + 1, env, args.log, f"/letters/{letter_id}/sign"
    )
    server.probe_method = "GET"  # 405 answers: the app is up
    out = {}
    with measured_phases(server, args, letter_id, run_id, aiohttp) as go:
        await go("bare warm-up", lambda c, s: open_loop(c, s, 50, 2, "bwarm", 5, get_form=False))
        out["rate"] = await go(
            f"bare insert at the same offered rate, {args.bare_duration:g} s (POST only)",
            lambda c, s: open_loop(c, s, args.rate, args.bare_duration, "bare", 6, get_form=False),
        )
        out["burst"] = await go(
            f"bare saturation burst, {args.burst:g} s, {args.slots} requests in flight (POST only)",
            lambda c, s: saturate(c, s, args.slots, args.burst, "bburst", 7, get_form=False),
        )
    return out


def parse_config(text):
    worker_class, _, counts = text.partition(":")
    workers, _, threads = counts.partition("x")
    return worker_class, int(workers), int(threads or 1)


def config_text(config):
    worker_class, workers, threads = config
    return f"{worker_class}:{workers}x{threads}" if worker_class == "gthread" else f"{worker_class}:{workers}"


async def main_async(args):
    import aiohttp

    env = environment()
    run_id = datetime.now(UTC).strftime("%H%M%S")
    print(f"sign-on spike benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, nproc {NPROC}, CPU {machine()}")
    print(
        f"python {platform.python_version()}, aiohttp {aiohttp.__version__}, body {args.body}, "
        f"think {THINK[0]}-{THINK[1]} s; load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    redis_client().flushdb()
    letter_id = setup_database(env)
    print(f"fresh database {DB_NAME}, migrated, demo loaded: letter {letter_id} open")

    config = parse_config(args.config) if args.config else DEFAULT_CONFIG
    if args.sweep:
        print(f"\n-- sweep: {args.sweep_seconds:g} s open loop at {args.rate:g}/s per configuration")
        results = []
        sweep_args = argparse.Namespace(**{**vars(args), "duration": args.sweep_seconds})
        for candidate in CANDIDATES:
            stats, _command = await drive_app(
                sweep_args,
                env,
                letter_id,
                candidate,
                f"{run_id}{config_text(candidate).replace(':', '')}",
                aiohttp,
                full=False,
            )
            spike = stats["spike"]
            results.append((candidate, spike))
            print(
                f"   {config_text(candidate):12} accepted/s {spike.accepted_per_s():6.1f}  "
                f"p50 {pct(spike.post_ms, 50):6.1f}  p99 {pct(spike.post_ms, 99):7.1f}  "
                f"5xx {spike.five_xx()}  "
                f"GET p99 {pct(spike.get_ms, 99):7.1f}  gunicorn CPU {spike.cpu.get('gunicorn', 0):.0%}"
            )
        config = max(
            results, key=lambda r: (round(r[1].accepted_per_s() / 5), -r[1].five_xx(), -pct(r[1].post_ms, 99))
        )[0]
        print(f"   kept {config_text(config)}")

    app_stats, command = await drive_app(args, env, letter_id, config, run_id, aiohttp)
    checks = {
        key: check_rows(app_stats[key], prefix, run_id, True)
        for key, prefix in (
            ("spike", "spike"),
            ("shared", "shared"),
            ("burst", "burst"),
            ("overload", "over"),
        )
    }
    queued_mail = redis_client().llen("mail")
    bare_stats = await drive_bare(args, env, letter_id, config, run_id, aiohttp)
    bare_checks = {
        key: check_rows(bare_stats[key], prefix, run_id, False)
        for key, prefix in (("rate", "bare"), ("burst", "bburst"))
    }
    redis_client().flushdb()
    if not args.keep_db:
        subprocess.run(
            [shutil.which("dropdb") or "dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME],
            env=env,
            capture_output=True,
        )

    print(f"\ngunicorn: {command}")
    spike = app_stats["spike"]
    print(describe(spike, args.rate))
    c = checks["spike"]
    print(
        f"   rows: {c['signatories']} signatories, {c['signatures']} signatures for {c['accepted']} accepted "
        f"({'exactly one each' if c['ok'] else 'MISMATCH'}; {c['stray']} for refused ones); "
        f"states: {c['states']}; "
        f"confirmation mails in the outbox {c['outbox']}"
    )
    shared = app_stats["shared"]
    print(describe(shared, args.shared_users / 10))
    c = checks["shared"]
    print(
        f"   rows: {c['signatures']} signatures for {c['accepted']} accepted "
        f"({'exactly one each' if c['ok'] else 'MISMATCH'}); "
        f"states: {c['states']}"
    )
    print(
        "   every one gets the same thanks page; beyond the first per address in 60 s (5 in 300 s) "
        "they are held for staff (hold_reason rate_limit), not refused"
    )
    burst = app_stats["burst"]
    print(describe(burst))
    c = checks["burst"]
    print(
        f"   rows: {c['signatures']} for {c['accepted']} accepted "
        f"({'exactly one each' if c['ok'] else 'MISMATCH'})"
    )
    over = app_stats["overload"]
    print(describe(over, over.offered))
    c = checks["overload"]
    answers = over.get_ms + over.post_ms
    late = sum(ms > ANSWER_WITHIN_MS for ms in answers)
    busy = over.get_status.get(503, 0) + over.post_status.get(503, 0)
    print(
        f"   rows: {c['signatures']} for {c['accepted']} accepted "
        f"({'exactly one each' if c['ok'] else 'MISMATCH'}; {c['stray']} for refused or abandoned ones); "
        f"answered 503 busy: {busy}; answers later than {ANSWER_WITHIN_MS} ms: {late} of {len(answers)}; "
        f"clients who gave up: {over.errors()}"
    )
    print(f"mail tasks waiting in Redis after the app phases: {queued_mail} (purged)")
    for key in ("rate", "burst"):
        stats = bare_stats[key]
        print(describe(stats, args.rate if key == "rate" else None))
        c = bare_checks[key]
        print(
            f"   rows: {c['signatures']} for {c['accepted']} accepted "
            f"({'exactly one each' if c['ok'] else 'MISMATCH'})"
        )

    ours, bare = burst.accepted_per_s(), bare_stats["burst"].accepted_per_s()
    ratio = ours / bare if bare else float("nan")
    print()
    print(f"date {datetime.now(UTC):%Y-%m-%d}, nproc {NPROC}, CPU {machine()}")
    print(f"gunicorn command: {command}")
    print(f"{'':34}| accepted/s | p50 ms | p99 ms | 5xx | rows == accepted")
    ok = "yes" if checks["spike"]["ok"] else "NO"
    label = f"sign-on spike ({args.rate:g}/s offered, {args.duration:g} s)"
    print(
        f"{label:34}| "
        f"{spike.accepted_per_s():10.1f} | {pct(spike.post_ms, 50):6.1f} | {pct(spike.post_ms, 99):6.1f} | "
        f"{spike.five_xx():3} | {ok}"
    )
    bare_rate = bare_stats["rate"]
    ok = "yes" if bare_checks["rate"]["ok"] else "NO"
    print(
        f"{'bare insert (same offered rate)':34}| {bare_rate.accepted_per_s():10.1f} | "
        f"{pct(bare_rate.post_ms, 50):6.1f} | {pct(bare_rate.post_ms, 99):6.1f} | "
        f"{bare_rate.five_xx():3} | {ok}"
    )
    for label, stats, check in (
        ("app saturation burst", burst, checks["burst"]),
        ("bare saturation burst", bare_stats["burst"], bare_checks["burst"]),
    ):
        print(
            f"{label:34}| {stats.accepted_per_s():10.1f} | {pct(stats.post_ms, 50):6.1f} | "
            f"{pct(stats.post_ms, 99):6.1f} | {stats.five_xx():3} | {'yes' if check['ok'] else 'NO'}"
        )
    answers = over.get_ms + over.post_ms
    held = over.accepted_per_s() / ours if ours else float("nan")
    print(
        f"{'overload (' + str(OVERLOAD) + 'x saturation)':34}| {over.accepted_per_s():10.1f} | "
        f"{pct(over.post_ms, 50):6.1f} | {pct(over.post_ms, 99):6.1f} | {over.five_xx():3} | "
        f"{'yes' if checks['overload']['ok'] else 'NO'}"
    )
    print(
        f"overload: accepted/s {held:.2f} of the saturation rate (aim >= 0.90); slowest answer "
        f"{max(answers) if answers else float('nan'):.0f} ms (aim <= {ANSWER_WITHIN_MS}); "
        f"its 5xx are 503 busy pages with Retry-After; rows for refused or abandoned sign-ons: "
        f"{checks['overload']['stray']} (aim 0)"
    )
    print(
        f"ratio (app sign-ons/s / bare inserts/s, saturation bursts of {args.burst:g} s, "
        f"{args.slots} in flight): "
        f"{ratio:.2f} (aim >= 0.35)"
    )
    app_ms, bare_ms = burst.cpu_ms(), bare_stats["burst"].cpu_ms()
    print(
        f"gunicorn CPU ms per accepted sign-on, saturation bursts: app {app_ms:.1f} per GET + POST, "
        f"bare {bare_ms:.1f} per POST; bare / app {bare_ms / app_ms:.2f} "
        "(the throughput ratio when gunicorn's CPU is what bounds both; less noisy)"
    )
    print(f"load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    target = spike.accepted_per_s() >= 330 and pct(spike.post_ms, 99) < 100 and spike.five_xx() == 0
    print(
        f"target (>= 330/s for 60 s, p99 < 100 ms, no 5xx, rows == accepted): "
        f"{'met' if target and checks['spike']['ok'] and args.duration >= 60 else 'not met'} in this run"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 s spike, 5 s bursts: a fast check")
    parser.add_argument("--rate", type=float, default=330, help="users arriving per second (open loop)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of arrivals in the spike")
    parser.add_argument(
        "--bare-duration", type=float, default=None, help="seconds of the bare run at the rate"
    )
    parser.add_argument("--burst", type=float, default=20, help="seconds of each saturation burst")
    parser.add_argument(
        "--overload", type=float, default=20, help="seconds of arrivals in the overload phase"
    )
    parser.add_argument("--slots", type=int, default=32, help="requests in flight in the saturation bursts")
    parser.add_argument(
        "--config", help="gunicorn workers, e.g. gthread:3x4 or sync:6 (default: the kept one)"
    )
    parser.add_argument("--sweep", action="store_true", help="try several gunicorn configurations first")
    parser.add_argument("--sweep-seconds", type=float, default=10)
    parser.add_argument("--body", choices=("multipart", "urlencoded"), default="multipart")
    parser.add_argument("--shared-users", type=int, default=200)
    parser.add_argument("--shared-addresses", type=int, default=10)
    parser.add_argument("--port", type=int, default=8391)
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--log", default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "undersigned-bench-gunicorn.log")
    )
    args = parser.parse_args()
    if args.quick:
        args.duration, args.burst, args.shared_users, args.overload = 10, 5, 50, 5
    args.bare_duration = args.bare_duration or min(args.duration, 30)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
