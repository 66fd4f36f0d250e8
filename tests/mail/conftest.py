"""Mail tests read what arrived at a real aiosmtpd server on loopback."""

import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from werkzeug.test import encode_multipart

from app.extensions import db as _db
from app.mail.models import OutboxMessage
from tests.signatures.conftest import DEFAULTS, inputs, letter, next_ip, sign_on_state  # noqa: F401
from tests.signatures.test_sign_end_to_end import Inbox, free_port

_URL = re.compile(r"https?://[^\s]+")


class RefusingInbox(Inbox):
    """An inbox whose server answers DATA with `reply` (e.g. "550 ..." or "451 ...")."""

    def __init__(self, reply):
        super().__init__()
        self.reply = reply

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        return self.reply


@contextmanager
def smtp_server(handler, smtputf8=False):
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=smtputf8)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def send_to(app, monkeypatch, port):
    """Make the app send by SMTP to the server on `port`."""
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)


@pytest.fixture
def inbox(app, monkeypatch):
    """The app sends to a loopback SMTP server without SMTPUTF8; this is what arrived there."""
    handler = Inbox()
    with smtp_server(handler) as port:
        send_to(app, monkeypatch, port)
        yield handler


@pytest.fixture
def utf8_inbox(app, monkeypatch):
    """As `inbox`, on a server that offers SMTPUTF8."""
    handler = Inbox()
    with smtp_server(handler, smtputf8=True) as port:
        send_to(app, monkeypatch, port)
        yield handler


def urls(message):
    """Every absolute URL in an email's text."""
    return _URL.findall(message.get_content())


def sign_with_host(client, open_letter, host, **fields):
    """Open the sign-on form and send it as a browser that claims `host` would."""
    headers = {"Host": host, "Accept-Language": "en"}
    form = inputs(client.get(f"/letters/{open_letter.id}/sign", headers=headers))
    data = {"csrf_token": form["csrf_token"], "started": form["started"], **DEFAULTS, **fields}
    boundary, body = encode_multipart(data)
    return client.post(
        f"/letters/{open_letter.id}/sign",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
        environ_base={"REMOTE_ADDR": next_ip()},
    )


def outbox():
    """The outbox as stored now, oldest first."""
    _db.session.expire_all()
    return _db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
