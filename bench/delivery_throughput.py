"""Benchmark: emailed deliveries of the demo letter through two real workers, against plain smtplib.

Run: .venv/bin/python bench/delivery_throughput.py [--count 1000] [--timeout 1200]

What it does, on loopback only (PostgreSQL 127.0.0.1:5432 user postgres, Redis 127.0.0.1:6379 db 13):
1. creates a fresh database, migrates it, loads the demo campaign and `count` recipients, each with
   its own email address (r0001@recipients.example ...) and address block: `count` distinct PDFs;
2. starts an aiosmtpd server on loopback that keeps every message with its Message-ID, and two
   worker processes (`celery -A worker worker --queues=mail,pdf`, solo pool, as the tests do);
3. "rendering included": plans a batch of `count` email deliveries, queues them as the planning
   views do (queue_delivery, commit, hand_over: renders to the pdf queue, sends to the mail queue)
   and times from the first queue_delivery to the last message received;
4. "rendering excluded": the same again as confirmed re-sends, whose documents are now rendered:
   timed the same way, so queueing and sending only (the queueing's share is printed);
5. baseline: a plain smtplib loop (its own process, one connection per message, as a delivery
   does) sends the very bytes the server received in step 4, to the same server;
6. counts, for each step, the messages received by Message-ID against the deliveries sent: lost
   (never received), duplicated (received more than once) and unknown (no such delivery).
The run stops by itself after --timeout seconds at the latest; the workers are stopped, the Redis
db flushed and the database dropped in every case.
"""

import argparse
import json
import os
import re
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/13"
SENDER = "Coalition for the Return <coalition@coalition.example>"
CELERY = str(Path(sys.executable).parent / "celery")
#: Settings a developer's shell may carry that would change what the workers see.
INHERITED = ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")
INHERITED += ("PREFLIGHT_CHECKS", "INSTANCE_PATH", "MAIL_BACKEND", "FLASK_APP", "DOCUMENT_FOLDER")


class TooLong(Exception):
    """The run went over --timeout."""


class Inbox:
    """An aiosmtpd handler keeping (Message-ID, arrival time, envelope, bytes) of every message."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message_id = BytesHeaderParser().parsebytes(envelope.content)["Message-ID"]
        with self.lock:
            self.received.append(
                (str(message_id), time.time(), envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
            )
        return "250 Message accepted for delivery"

    def take(self):
        """Everything received since the last take()."""
        with self.lock:
            received, self.received = self.received, []
        return received

    def wait_for(self, message_ids):
        """Until every one of `message_ids` arrived (the alarm ends the wait at --timeout)."""
        while True:
            with self.lock:
                arrived = {row[0] for row in self.received}
            if message_ids <= arrived:
                return
            time.sleep(0.05)


@contextmanager
def smtp_server():
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, data_size_limit=0)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@contextmanager
def fresh_database():
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"undersigned_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def flush_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()


class Worker:
    """`celery -A worker worker` in its own process group, its output in a file."""

    def __init__(self, name, log_path, settings):
        env = {key: value for key, value in os.environ.items() if key not in INHERITED}
        env.update(settings)
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115 (closed in stop())
        command = [CELERY, "-A", "worker", "worker", "--queues=mail,pdf", "--pool=solo"]
        command += ["--concurrency=1", "--loglevel=INFO", f"--hostname={name}@%h"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def output(self):
        return Path(self.log_path).read_text(errors="replace")

    def wait_until_ready(self):
        while " ready." not in self.output:
            if self.process.poll() is not None:
                raise RuntimeError(f"a worker exited early:\n{self.output}")
            time.sleep(0.2)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def make_app(database_url, instance):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": False,
            "INSTANCE_PATH": instance,
            "DOCUMENT_FOLDER": f"{instance}/documents",
            "DELIVERY_FROM": SENDER,
            "REPLY_TO_ADDRESS": "replies@coalition.example",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return app


def demo_with_recipients(count):
    """The demo letter and `count` recipients, each with an email address and an address block."""
    from app.demo.loader import load_demo
    from app.extensions import db
    from app.recipients.services import create_recipient

    campaign, _ = load_demo()
    recipients = [
        create_recipient(
            {
                "kind": "ministry",
                "name_en": f"Recipient {n:04d}",
                "name_ko": f"수신처 {n:04d}",
                "addressee_en": f"Director {n:04d}",
                "address_en": f"{n} Example Street\nSeoul {n:05d}\nRepublic of Korea",
                "emails": [f"r{n:04d}@recipients.example"],
            },
            actor=None,
        )
        for n in range(1, count + 1)
    ]
    db.session.commit()
    return campaign.letters[0], recipients


def worker_settings(database_url, instance, port):
    return {
        "APP_ENV": "testing",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PREFLIGHT_CHECKS": "0",
        "INSTANCE_PATH": instance,
        "DOCUMENT_FOLDER": f"{instance}/documents",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "DELIVERY_FROM": SENDER,
        "REPLY_TO_ADDRESS": "replies@coalition.example",
    }


def deliver(app, letter, recipients, inbox, resend):
    """Plan and queue one email delivery per recipient; wait for every message; the step's figures."""
    import sqlalchemy as sa

    from app.deliveries.email import message_id_for
    from app.deliveries.models import Delivery, DeliveryStatus
    from app.deliveries.planning import plan_batch, queue_delivery
    from app.deliveries.queueing import hand_over, work_after_commit
    from app.extensions import db

    items = [
        {"recipient": r, "channel": "email", "language": "en", "send_at": None, "resend": resend}
        for r in recipients
    ]
    batch = plan_batch(letter, items, actor=None)
    db.session.commit()
    deliveries = list(batch.deliveries)
    expected = {message_id_for(d, app.config) for d in deliveries}
    inbox.take()
    start = time.time()
    for delivery in deliveries:
        queue_delivery(delivery, actor=None)
    work = work_after_commit(deliveries)
    db.session.commit()
    hand_over(work)
    handed_over = time.time()
    inbox.wait_for(expected)
    statuses = sa.select(Delivery.status, sa.func.count()).where(Delivery.batch_id == batch.id)
    statuses = statuses.group_by(Delivery.status)
    busy = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)
    while any(status in busy for status, _n in db.session.execute(statuses)):  # answers being recorded
        db.session.rollback()
        time.sleep(0.2)
    time.sleep(3)  # a duplicate would come now
    figures = tally(inbox.take(), expected, start)
    figures["statuses"] = dict(db.session.execute(statuses).all())
    db.session.rollback()
    figures["hand_over_s"] = handed_over - start
    figures["renders"] = len(work[0])
    return figures


def tally(received, expected, start):
    """Throughput up to the last expected message, and what was lost, duplicated or unknown."""
    counts = Counter(row[0] for row in received)
    last = max(row[1] for row in received if row[0] in expected)
    return {
        "messages": len(expected),
        "seconds": last - start,
        "per_s": len(expected) / (last - start),
        "lost": len(expected - set(counts)),
        "duplicated": sum(n - 1 for mid, n in counts.items() if mid in expected and n > 1),
        "unknown": sum(n for mid, n in counts.items() if mid not in expected),
        "_received": received,
    }


def smtplib_baseline(received, port, folder, inbox):
    """The received messages sent again by a plain smtplib loop in a process of its own."""
    path = Path(folder) / "messages.json"  # the bytes as latin-1 text: every byte value kept as is
    path.write_text(json.dumps([(row[2], row[3], row[4].decode("latin-1")) for row in received]))
    inbox.take()
    command = [sys.executable, __file__, "--send", str(path), "--port", str(port)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    start = float(out.stdout.split()[0])
    inbox.wait_for({row[0] for row in received})
    time.sleep(3)
    return tally(inbox.take(), {row[0] for row in received}, start)


def send_loop(path, port):
    """The baseline's own process: one connection per message, as each delivery opens one."""
    messages = [(f, to, content.encode("latin-1")) for f, to, content in json.loads(Path(path).read_text())]
    print(time.time(), flush=True)
    for mail_from, rcpt_tos, content in messages:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.sendmail(mail_from, rcpt_tos, content)


TASK_LINE = re.compile(r"Task ([\w.]+)\[[^\]]+\] succeeded in ([\d.]+)s")


def task_times(outputs):
    """{task name: (runs, median seconds, total seconds)} from the workers' INFO lines."""
    times = {}
    for output in outputs:
        for name, seconds in TASK_LINE.findall(output):
            times.setdefault(name, []).append(float(seconds))
    return {name: (len(t), statistics.median(t), sum(t)) for name, t in times.items()}


def message_size(received):
    return sum(len(row[4]) for row in received) / len(received) / 1024


def report(count, results, load):
    base = results["smtplib"]["per_s"]
    print(f"\n{count} email deliveries of the demo letter, each with its recipient's own PDF; 2 workers")
    print(f"average message {results['size_kib']:.0f} KiB; load average {load[0]} before, {load[1]} after\n")
    print("| step | messages | seconds | per s | × smtplib | lost | duplicated | unknown |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key, label in (
        ("included", "workers, rendering included (queue → last message)"),
        ("excluded", "workers, rendering excluded (documents ready)"),
        ("smtplib", "plain smtplib loop, same bytes, same server"),
    ):
        r = results[key]
        print(
            f"| {label} | {r['messages']:,} | {r['seconds']:.1f} | {r['per_s']:.1f} "
            f"| {r['per_s'] / base:.2f} | {r['lost']} | {r['duplicated']} | {r['unknown']} |"
        )
    for key in ("included", "excluded"):
        r = results[key]
        statuses = ", ".join(f"{n} {status}" for status, n in r["statuses"].items())
        print(f"{key}: queueing and hand-over {r['hand_over_s']:.1f} s; {r['renders']} renders; {statuses}")
    for name, (runs, median, total) in sorted(results["tasks"].items()):
        print(f"worker task {name}: {runs} runs, median {median * 1000:.0f} ms, {total:.1f} s in all")


def run(count, folder):
    from app.extensions import db

    load = [os.getloadavg()[0]]
    flush_redis()
    instance = f"{folder}/instance"
    with smtp_server() as (inbox, port), fresh_database() as database_url:
        app = make_app(database_url, instance)
        workers, results = [], {}
        try:
            with app.app_context():
                letter, recipients = demo_with_recipients(count)
                print(f"{count} recipients made; starting 2 workers", flush=True)
                for n in (1, 2):
                    settings = worker_settings(database_url, instance, port)
                    workers.append(Worker(f"bench{n}", f"{folder}/worker{n}.log", settings))
                for worker in workers:
                    worker.wait_until_ready()
                results["included"] = deliver(app, letter, recipients, inbox, resend=False)
                print(f"rendering included: {results['included']['per_s']:.1f}/s", flush=True)
                results["excluded"] = deliver(app, letter, recipients, inbox, resend=True)
                print(f"rendering excluded: {results['excluded']['per_s']:.1f}/s", flush=True)
                received = results["excluded"]["_received"]
                results["size_kib"] = message_size(received)
                results["smtplib"] = smtplib_baseline(received, port, folder, inbox)
                db.session.remove()
                db.engine.dispose()
        finally:
            for worker in workers:
                worker.stop()
            results["tasks"] = task_times([w.output for w in workers])
            failures = [w.output for w in workers if "Traceback" in w.output]
            if failures:
                print(f"a worker logged an error:\n{failures[0][-4000:]}")
            flush_redis()
            app.extensions["celery"].close()
            with app.app_context():
                db.engine.dispose()
    load.append(os.getloadavg()[0])
    report(count, results, load)


def on_alarm(signum, frame):
    raise TooLong("the run went over --timeout")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="deliveries per step (default 1000)")
    parser.add_argument("--timeout", type=int, default=1200, help="stop after this many seconds (1200)")
    parser.add_argument("--send", help=argparse.SUPPRESS)  # the baseline's own process
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.send:
        return send_loop(args.send, args.port)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_alarm)
    signal.alarm(args.timeout)
    with tempfile.TemporaryDirectory(prefix="delivery-bench-") as folder:
        try:
            run(args.count, folder)
        except TooLong:
            sys.exit(f"stopped: the run went over --timeout {args.timeout} s (try a smaller --count)")
        finally:
            signal.alarm(0)


if __name__ == "__main__":
    main()
