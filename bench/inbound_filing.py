"""Benchmark: filing received replies, against Python's email parser reading the same bytes.

Run: .venv/bin/python bench/inbound_filing.py [--count 1000]

What it does, in-process, on loopback only (PostgreSQL 127.0.0.1:5432 user postgres):
1. a fresh database, migrated, with the demo campaign and `count` sent email deliveries, each to a
   recipient of its own;
2. `count` replies, one per delivery, of four kinds in turn: a reply to the plus address; one
   that only quotes the delivery's Message-ID (In-Reply-To); a Korean reply from Outlook labelled
   ks_c_5601-1987 with syllables outside EUC-KR; an out-of-office automatic reply;
3. "filing": each reply is stored as it arrived and filed (parsed, matched, its response and
   timeline proposal made), committed one by one as the poller's task does;
4. baseline, the same run: the same bytes read by Python's email package alone (BytesParser with
   the default policy, the text body found and decoded); ratio = filed/s / parsed/s;
5. every reply must end filed on its own delivery: the count filed right is printed.
"""

import argparse
import contextlib
import hashlib
import statistics
import sys
import time
import uuid
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.core.timeutil import utcnow  # noqa: E402
from app.deliveries.models import Channel, Delivery, DeliveryStatus  # noqa: E402
from app.deliveries.reply_address import reply_address  # noqa: E402
from app.demo.loader import load_demo  # noqa: E402
from app.extensions import db  # noqa: E402
from app.inbound.filing import file_message  # noqa: E402
from app.inbound.models import InboundMessage, InboundStatus  # noqa: E402
from app.recipients.models import Recipient  # noqa: E402
from bench.sign_on_spike import NPROC, machine  # noqa: E402

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
KOREAN = "외교부 인권사회과입니다. 서한을 잘 받았습니다. 똠방각하 뷁 같은 글자도 그대로 읽혀야 합니다."


def reply(kind, delivery, n):
    sender = f"officer{n}@ministry{n}.go.kr"
    sent = delivery.sent_at + timedelta(hours=3)
    head = [
        f"From: Officer {n} <{sender}>",
        f"Date: {format_datetime(sent)}",
        f"Message-ID: {make_msgid(domain=f'ministry{n}.go.kr')}",
        "MIME-Version: 1.0",
    ]
    if kind == 0:
        head += [f"To: {reply_address(delivery.reply_token)}", "Subject: Re: Open letter"]
        body, charset = f"Thank you for your letter {n}. We will answer in due course.\n", "utf-8"
    elif kind == 1:
        head += [
            "To: coalition@coalition.example",
            f"In-Reply-To: {delivery.message_id}",
            "Subject: Re: letter",
        ]
        body, charset = f"We received the letter ({n}) and passed it to the division.\n", "utf-8"
    elif kind == 2:
        head += [f"To: {reply_address(delivery.reply_token)}", "Subject: =?ks_c_5601-1987?B?ueYgtOTA5Q==?="]
        body, charset = KOREAN + "\n", "ks_c_5601-1987"
    else:
        head += [
            f"To: {reply_address(delivery.reply_token)}",
            "Subject: Automatic reply: Open letter",
            "Auto-Submitted: auto-replied",
        ]
        body, charset = "I am out of the office until Monday.\n", "utf-8"
    encoded = body.encode("cp949" if charset.startswith("ks_c") else charset)
    head += [f'Content-Type: text/plain; charset="{charset}"', "Content-Transfer-Encoding: 8bit"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + encoded


def prepare(app, count):
    with app.app_context():
        db.create_all()
        campaign, _ = load_demo()
        letter = campaign.letters[0]
        deliveries = []
        for n in range(count):
            recipient = Recipient(name_en=f"Ministry {n}", name_ko=f"부처 {n}", country="KR")
            delivery = Delivery(
                letter=letter,
                recipient=recipient,
                channel=Channel.EMAIL,
                status=DeliveryStatus.SENT,
                reply_token=uuid.uuid4().hex,
                destination=f"minister{n}@ministry{n}.go.kr",
                message_id=make_msgid(domain="coalition.example"),
                sent_at=utcnow() - timedelta(days=2),
            )
            db.session.add(delivery)
            deliveries.append(delivery)
        db.session.commit()
        return [(d.id, reply(n % 4, d, n)) for n, d in enumerate(deliveries)]


def file_all(app, messages):
    """Seconds per reply filed, and how many were filed on the delivery they answer."""
    samples, right = [], 0
    with app.app_context():
        for delivery_id, raw in messages:
            start = time.perf_counter()
            inbound = InboundMessage(
                raw=raw,
                size=len(raw),
                sha256=hashlib.sha256(raw).hexdigest(),
                source="bench",
                status=InboundStatus.RECEIVED,
            )
            db.session.add(inbound)
            db.session.flush()
            file_message(inbound)
            db.session.commit()
            samples.append(time.perf_counter() - start)
            right += inbound.status == InboundStatus.FILED and inbound.delivery_id == delivery_id
        db.session.remove()
    return samples, right


def parse_all(messages):
    samples = []
    parser = BytesParser(policy=policy.default)
    for _delivery_id, raw in messages:
        start = time.perf_counter()
        message = parser.parsebytes(raw)
        body = message.get_body(("plain", "html"))
        if body is not None:
            with contextlib.suppress(LookupError):
                body.get_content()
        samples.append(time.perf_counter() - start)
    return samples


def summary(samples):
    samples = sorted(samples)
    return (
        len(samples) / sum(samples),
        statistics.median(samples) * 1000,
        samples[int(len(samples) * 0.99) - 1] * 1000,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    name = f"undersigned_bench_inbound_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        app = create_app(
            {
                "APP_ENV": "testing",
                "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
                "INSTANCE_PATH": f"/tmp/{name}",
                "REPLY_TO_ADDRESS": "replies@coalition.example",
            }
        )
        messages = prepare(app, args.count)
        parse_all(messages[:50])  # warm up
        parsed = summary(parse_all(messages))
        filing, right = file_all(app, messages)
        filed = summary(filing)
        with app.app_context():
            db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"inbound filing, {args.count} replies, nproc {NPROC}, CPU {machine()}")
    print(f"{'':44}{'per s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    print(
        f"{'filed (stored, parsed, matched, committed)':44}{filed[0]:>9.0f}{filed[1]:>9.2f}{filed[2]:>9.2f}"
    )
    print(f"{'Python email parser alone (baseline)':44}{parsed[0]:>9.0f}{parsed[1]:>9.2f}{parsed[2]:>9.2f}")
    print(f"ratio filed/s / parsed/s: {filed[0] / parsed[0]:.2f}")
    print(f"filed on the delivery it answers: {right} of {args.count} (wrong or held: {args.count - right})")


if __name__ == "__main__":
    main()
