"""Email delivery tests: deliveries made as rows, their PDFs rendered here, a real SMTP server on loopback."""

import asyncio
import io
import re
import secrets
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from email import policy
from email.parser import BytesParser

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from celery import current_app as current_celery

from app import create_app
from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.documents.models import Document
from app.documents.services import claim_document, current_document, render_document
from app.extensions import db as _db
from app.letters.models import LetterStatus
from app.letters.services import freeze_version
from app.models import Display, SignatoryKind
from tests.conftest import FreshContextClient
from tests.conftest import test_settings as app_settings
from tests.factories import LetterFactory, RecipientFactory, SignatoryFactory, SignatureFactory
from tests.mail.conftest import smtp_server
from tests.signatures.test_sign_end_to_end import Inbox, free_port
from tests.worker.test_real_worker import Worker, purge_queues

__all__ = ["Inbox", "smtp_server"]

RECIPIENT = {
    "name_en": "Embassy of Ukraine in the Republic of Korea",
    "name_ko": "주한 우크라이나 대사관",
    "addressee_en": "Ambassador of Ukraine",
    "addressee_ko": "주한 우크라이나 대사",
    "address_en": "1 Example-ro, Yongsan-gu\nSeoul 04001\nRepublic of Korea",
    "address_ko": "04001\n서울특별시 용산구 예시로 1\n대한민국",
    "emails": ["embassy@ukraine.example"],
    "fax": "+82 2 555 0199",
}


@pytest.fixture(autouse=True)
def delivery_settings(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(tmp_path / "documents"))
    monkeypatch.setitem(app.config, "DELIVERY_FROM", "Coalition for the Return <coalition@coalition.example>")
    monkeypatch.setitem(app.config, "REPLY_TO_ADDRESS", "replies@coalition.example")


def open_letter():
    letter = LetterFactory(
        status=LetterStatus.OPEN,
        template="formal",
        title_en="Do not send them back",
        title_ko="송환하지 마십시오",
        body_en="We urge you to protect the prisoners.",
        body_ko="포로들을 보호해 주십시오.",
    )
    freeze_version(letter)
    _db.session.commit()
    signatory = SignatoryFactory(
        kind=SignatoryKind.ORGANIZATION,
        display=Display.FULL,
        name_en="Transitional Justice Working Group",
        name_ko="전환기정의워킹그룹",
    )
    SignatureFactory(signatory=signatory, letter_id=letter.id, version_id=letter.current_version.id)
    return letter


def rendered(letter, language, recipient):
    """The recipient's document of the letter, rendered and signed here."""
    document, _created = current_document(letter, language, recipient)
    _db.session.commit()
    if claim_document(document.id):
        _db.session.commit()
        render_document(_db.session.get(Document, document.id))
        _db.session.commit()
    return _db.session.get(Document, document.id)


def make_delivery(language="en", channel=Channel.EMAIL, render=True, letter=None, **fields):
    """A queued delivery of an open letter to a recipient with an address block, committed."""
    letter = letter or open_letter()
    recipient = RecipientFactory(**RECIPIENT)
    document = rendered(letter, language, recipient) if render else None
    delivery = Delivery(
        letter_id=letter.id,
        version_id=letter.current_version.id,
        recipient_id=recipient.id,
        document_id=document.id if document else None,
        channel=channel,
        language=language,
        status=DeliveryStatus.QUEUED,
        reply_token=secrets.token_hex(16),
        **{"destination": RECIPIENT["fax"] if channel == Channel.FAX else RECIPIENT["emails"][0], **fields},
    )
    _db.session.add(delivery)
    _db.session.commit()
    return delivery


def delivery_row(delivery_id):
    """The delivery as PostgreSQL has it now, read outside any session."""
    with _db.engine.connect() as connection:
        return connection.execute(sa.select(Delivery.__table__).where(Delivery.id == delivery_id)).one()


def wait_for_delivery(delivery_id, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while (row := delivery_row(delivery_id)).status not in statuses:
        assert time.monotonic() < deadline, f"delivery {delivery_id} is still {row.status} after {timeout} s"
        time.sleep(0.2)
    return row


def events(delivery_id):
    table = Delivery.events.property.mapper.local_table
    with _db.engine.connect() as connection:
        return connection.execute(
            sa.select(table).where(table.c.delivery_id == delivery_id).order_by(table.c.id)
        ).all()


def pdf_of(message):
    """The one PDF attached to a received email: (filename, bytes)."""
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    return part.get_filename(), part.get_content()


def pdf_lines(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        out = subprocess.run(["pdftotext", "-layout", file.name, "-"], check=True, capture_output=True)
    return [line.strip() for line in out.stdout.decode().splitlines() if line.strip()]


def cover_text(message):
    """The cover message's text as read, with plain line ends."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def parse(data):
    return BytesParser(policy=policy.default).parse(io.BytesIO(data))


class ScriptedInbox(Inbox):
    """An inbox whose server answers DATA from a script of replies, then with 250."""

    def __init__(self, *replies):
        super().__init__()
        self.replies = list(replies)
        self.answered = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.replies:
            reply = self.replies.pop(0)
            self.answered.append(reply)
            return reply
        return await super().handle_DATA(server, session, envelope)


class HoldingInbox(Inbox):
    """An inbox that, once it has a whole message, holds its answer until released."""

    def __init__(self):
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        reply = await super().handle_DATA(server, session, envelope)
        self.holding.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)
        return reply


class StallingSMTP(SMTP):
    """A server that, at the DATA command, waits (before its 354) until the handler releases it."""

    async def smtp_DATA(self, arg):  # noqa: N802 (aiosmtpd's command name)
        self.event_handler.stalled.set()
        while not self.event_handler.release.is_set():
            await asyncio.sleep(0.05)
        return await super().smtp_DATA(arg)


class StallingInbox(Inbox):
    def __init__(self):
        super().__init__()
        self.stalled = threading.Event()
        self.release = threading.Event()


class StallingController(Controller):
    def factory(self):
        return StallingSMTP(self.handler, **self.SMTP_kwargs)


#: The slow server's receive buffer (the kernel doubles it): a few KB, so that it fills at once.
RECEIVE_BUFFER = 16 * 1024


class SlowReadingSMTP(SMTP):
    """A server with a small receive buffer that, once it has read `read_first` bytes of a message's
    body, stops reading the socket until the handler releases it (the first message only)."""

    def connection_made(self, transport):
        sock = transport.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        self.event_handler.receive_buffer = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        self.body, self.held = None, None
        super().connection_made(transport)

    async def smtp_DATA(self, arg):  # noqa: N802 (aiosmtpd's command name)
        self.body = bytearray()
        self.event_handler.bodies.append(self.body)
        try:
            return await super().smtp_DATA(arg)
        finally:  # also when the client's connection dropped in the middle of the body
            self.event_handler.ended.append(bytes(self.body))
            self.body = None

    def data_received(self, data):
        handler = self.event_handler
        if self.body is not None:
            self.body += data
            if self.held is None and len(self.body) >= handler.read_first and not handler.release.is_set():
                self.held = []
                handler.holding.set()
                self._resume_when_released()
        if self.held is not None:  # read off the socket, kept from the SMTP reader until released
            self.transport.pause_reading()
            self.held.append(data)
            return
        super().data_received(data)

    def _resume_when_released(self):
        if not self.event_handler.release.is_set():
            self.loop.call_later(0.05, self._resume_when_released)
            return
        held, self.held = self.held, None
        if self.transport is None:
            return
        self.transport.resume_reading()
        for data in held:
            super().data_received(data)


class SlowReadingInbox(Inbox):
    """What the slow server read of each message's body: as it came (`bodies`), once over (`ended`)."""

    def __init__(self, read_first):
        super().__init__()
        self.read_first = read_first
        self.bodies, self.ended = [], []
        self.receive_buffer = None
        self.holding = threading.Event()
        self.release = threading.Event()


class SlowReadingController(Controller):
    def factory(self):
        return SlowReadingSMTP(self.handler, **self.SMTP_kwargs)


_DSN_PARAMETER = re.compile(r"\s+(RET|ENVID|NOTIFY|ORCPT)=(\S+)", re.IGNORECASE)


class DsnSMTP(SMTP):
    """A server that offers DSN (RFC 3461) and keeps the parameters it was given."""

    def _take_dsn(self, arg):
        self.event_handler.dsn.extend(f"{k.upper()}={v}" for k, v in _DSN_PARAMETER.findall(arg or ""))
        return _DSN_PARAMETER.sub("", arg or "")

    async def smtp_MAIL(self, arg):  # noqa: N802 (aiosmtpd's command name)
        return await super().smtp_MAIL(self._take_dsn(arg))

    async def smtp_RCPT(self, arg):  # noqa: N802 (aiosmtpd's command name)
        return await super().smtp_RCPT(self._take_dsn(arg))


class DsnInbox(Inbox):
    def __init__(self):
        super().__init__()
        self.dsn = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        return [*responses[:-1], "250-DSN", responses[-1]]


class DsnController(Controller):
    def factory(self):
        return DsnSMTP(self.handler, **self.SMTP_kwargs)


@contextmanager
def special_smtp_server(handler, controller_class=StallingController):
    """A loopback SMTP server of a special kind: stalling at DATA by default, or offering DSN."""
    controller = controller_class(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def slow_reading_smtp_server(handler):
    return special_smtp_server(handler, SlowReadingController)


@contextmanager
def publishing_app(database_url, broker_url, instance_path, **settings):
    """An app whose Celery publishes to a real broker, current for the test (tasks' .apply_async)."""
    previous = current_celery._get_current_object()
    app = create_app(
        app_settings(
            database_url,
            CELERY_BROKER_URL=broker_url,
            CELERY_TASK_ALWAYS_EAGER=False,
            INSTANCE_PATH=instance_path,
            DELIVERY_FROM="Coalition for the Return <coalition@coalition.example>",
            REPLY_TO_ADDRESS="replies@coalition.example",
            **settings,
        )
    )
    app.test_client_class = FreshContextClient
    try:
        with app.app_context():
            try:
                yield app
            finally:
                _db.session.remove()
                _db.engine.dispose()
    finally:
        app.extensions["celery"].close()
        previous.set_current()
        previous.set_default()


class Stack:
    """A broker, the SMTP server on loopback, the app publishing to the broker, and workers on demand."""

    def __init__(self, app, broker_url, port, instance_path):
        self.app, self.broker_url, self.port, self.instance_path = app, broker_url, port, instance_path
        self.workers = []

    def start_worker(self, **settings):
        worker = Worker(
            APP_ENV="testing",
            DATABASE_URL=self.app.config["SQLALCHEMY_DATABASE_URI"],
            CELERY_BROKER_URL=self.broker_url,
            CELERY_TASK_ALWAYS_EAGER="0",
            PREFLIGHT_CHECKS="0",
            INSTANCE_PATH=self.instance_path,
            MAIL_BACKEND="smtp",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(self.port),
            DELIVERY_FROM=self.app.config["DELIVERY_FROM"],
            REPLY_TO_ADDRESS=self.app.config["REPLY_TO_ADDRESS"],
            **settings,
        )
        self.workers.append(worker)
        worker.wait_until_ready()
        return worker

    def send(self, delivery_id):
        """What the planning views do after their commit."""
        from app.deliveries.tasks import send_delivery

        send_delivery.delay(delivery_id)

    def stop(self):
        for worker in self.workers:
            worker.stop()
            print(f"--- worker output ---\n{worker.output}")


@contextmanager
def stack(database_url, broker_url, handler, tmp_path, server=smtp_server):
    purge_queues(broker_url)
    instance = str(tmp_path / "instance")
    with server(handler) as port, publishing_app(database_url, broker_url, instance) as app:
        running = Stack(app, broker_url, port, instance)
        try:
            yield running
        finally:
            running.stop()
