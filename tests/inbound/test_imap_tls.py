"""imaps:// and STARTTLS against a real Dovecot: its certificate checked against INBOUND_IMAP_CA_FILE."""

import logging

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.inbound.models import InboundMessage
from app.inbound.poll_tasks import poll_mailbox
from tests.deliveries.email.test_tls import self_signed
from tests.inbound.conftest import new_mailbox
from tests.inbound.messages import korean_reply_with_pdf

pytestmark = pytest.mark.committed


def append(server, mailbox, raw):
    client = server.client()
    try:
        assert client.append(mailbox, None, None, raw)[0] == "OK"
    finally:
        client.logout()


def stored_raw():
    db.session.rollback()
    return db.session.scalars(sa.select(InboundMessage.raw).order_by(InboundMessage.id)).all()


@pytest.mark.parametrize("scheme", ["imaps", "imap"])
def test_mailbox_is_read_over_tls_with_the_certificate_checked(app, dovecot_tls, monkeypatch, scheme):
    mailbox = new_mailbox(dovecot_tls)
    append(dovecot_tls, mailbox, korean_reply_with_pdf())
    monkeypatch.setitem(app.config, "INBOUND_IMAP_URL", dovecot_tls.url(mailbox, scheme=scheme))
    monkeypatch.setitem(app.config, "INBOUND_IMAP_CA_FILE", str(dovecot_tls.certificate))

    assert poll_mailbox() == {"stored": 1}
    assert stored_raw() == [korean_reply_with_pdf()]


@pytest.mark.parametrize("scheme", ["imaps", "imap"])
def test_untrusted_certificate_is_not_read(app, dovecot_tls, monkeypatch, caplog, tmp_path, scheme):
    mailbox = new_mailbox(dovecot_tls)
    append(dovecot_tls, mailbox, korean_reply_with_pdf())
    other, _ = self_signed(tmp_path, "someone-else")
    monkeypatch.setitem(app.config, "INBOUND_IMAP_URL", dovecot_tls.url(mailbox, scheme=scheme))
    monkeypatch.setitem(app.config, "INBOUND_IMAP_CA_FILE", str(other))

    with caplog.at_level(logging.ERROR, logger="app.inbound.poll_tasks"):
        result = poll_mailbox()

    assert "TLS failed" in result["error"]
    assert "TLS failed" in caplog.text
    assert stored_raw() == []
