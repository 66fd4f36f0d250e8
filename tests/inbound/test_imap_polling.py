"""The beat task reads a real Dovecot mailbox on loopback: each message stored once, raw, crash or not."""

import hashlib
import logging
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.inbound import polling
from app.inbound.models import InboundMessage, MailboxState
from app.inbound.poll_tasks import poll_mailbox
from tests.inbound.conftest import PASSWORD
from tests.inbound.messages import korean_reply_with_pdf, plain
from tests.signatures.test_sign_end_to_end import free_port

pytestmark = pytest.mark.committed


def append(dovecot, mailbox, *messages):
    client = dovecot.client()
    try:
        for raw in messages:
            status, detail = client.append(mailbox, None, None, raw)
            assert status == "OK", detail
    finally:
        client.logout()


def recreate(dovecot, mailbox):
    """Delete the mailbox and make it again: the server gives it a new UIDVALIDITY."""
    client = dovecot.client()
    try:
        assert client.delete(mailbox)[0] == "OK"
        assert client.create(mailbox)[0] == "OK"
    finally:
        client.logout()


def poll():
    return poll_mailbox()


def stored():
    """Every stored message, oldest first, read afresh from the database."""
    db.session.rollback()
    query = sa.select(InboundMessage).options(sa.orm.undefer(InboundMessage.raw)).order_by(InboundMessage.id)
    return db.session.scalars(query).all()


def state():
    db.session.rollback()
    return db.session.scalars(sa.select(MailboxState)).one_or_none()


@pytest.fixture
def reads(app, dovecot, mailbox, monkeypatch):
    """The app reads the test's own mailbox."""
    monkeypatch.setitem(app.config, "INBOUND_IMAP_URL", dovecot.url(mailbox))
    return mailbox


def test_poll_stores_each_message_once_with_its_raw_bytes_intact(dovecot, reads):
    korean = korean_reply_with_pdf()
    append(dovecot, reads, plain(1), korean)

    assert poll() == {"stored": 2}

    first, second = stored()
    assert first.raw == plain(1)
    assert second.raw == korean
    assert second.sha256 == hashlib.sha256(korean).hexdigest()
    assert second.size == len(korean)
    assert second.message_id == "<20261201.0901.mofa@mofa.example.kr>"
    assert first.message_id == "<reply-1@ministry.example.org>"
    uidvalidity = state().uidvalidity
    assert first.source == f"imap:{reads}:{uidvalidity}:1"
    assert second.source == f"imap:{reads}:{uidvalidity}:2"


def test_second_poll_stores_nothing_new(dovecot, reads):
    append(dovecot, reads, plain(1), plain(2))
    poll()

    assert poll() == {"stored": 0}
    assert len(stored()) == 2
    assert state().last_uid == 2


def test_message_appended_later_is_picked_up(dovecot, reads):
    append(dovecot, reads, plain(1))
    poll()
    append(dovecot, reads, plain(2, "A later answer."))

    assert poll() == {"stored": 1}
    assert [row.raw for row in stored()] == [plain(1), plain(2, "A later answer.")]
    assert state().last_uid == 2


def test_same_message_twice_in_the_mailbox_is_stored_once(dovecot, reads):
    append(dovecot, reads, plain(1), plain(1))

    poll()

    assert [row.raw for row in stored()] == [plain(1)]
    assert state().last_uid == 2


def test_the_same_message_id_delivered_twice_with_other_bytes_is_stored_once(dovecot, reads):
    again = b"Received: from relay.example by mx.example; Tue, 1 Dec 2026 10:00:00 +0000\r\n" + plain(1)
    append(dovecot, reads, plain(1), again)

    poll()

    assert [row.raw for row in stored()] == [plain(1)]


def test_crash_after_fetching_before_commit_loses_nothing(dovecot, reads, monkeypatch):
    append(dovecot, reads, plain(1), korean_reply_with_pdf())
    real_store = polling.store_messages

    def store_then_crash(*args):
        real_store(*args)
        raise RuntimeError("the worker died before its commit")

    monkeypatch.setattr(polling, "store_messages", store_then_crash)
    with pytest.raises(RuntimeError):
        poll()
    assert stored() == []
    assert state() is None

    monkeypatch.setattr(polling, "store_messages", real_store)
    assert poll() == {"stored": 2}
    assert poll() == {"stored": 0}
    assert [row.raw for row in stored()] == [plain(1), korean_reply_with_pdf()]


def test_new_uidvalidity_reads_all_again_and_stores_nothing_twice(dovecot, reads):
    append(dovecot, reads, plain(1), plain(2))
    poll()
    before = state().uidvalidity
    recreate(dovecot, reads)
    append(dovecot, reads, plain(1), plain(2), plain(3))

    assert poll() == {"stored": 1}

    rows = stored()
    assert [row.raw for row in rows] == [plain(1), plain(2), plain(3)]
    after = state()
    assert after.uidvalidity != before
    assert after.last_uid == 3
    assert rows[2].source == f"imap:{reads}:{after.uidvalidity}:3"


def test_message_over_the_size_limit_is_stored_by_its_headers_and_size(app, dovecot, reads, monkeypatch):
    big = plain(9, ("A long scanned answer. " * 3 + "\r\n") * 400)
    monkeypatch.setitem(app.config, "INBOUND_MAX_BYTES", 5000)
    append(dovecot, reads, plain(1), big)

    assert poll() == {"stored": 2}

    small, headers_only = stored()
    assert small.raw == plain(1)
    header_block = big.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
    assert headers_only.raw == header_block
    assert headers_only.size == len(big)
    assert headers_only.message_id == "<reply-9@ministry.example.org>"
    assert headers_only.source.endswith(":2:headers-only")


def test_only_one_poll_reads_at_a_time(app, dovecot, reads):
    append(dovecot, reads, plain(1))
    with db.engine.connect() as other:  # a slow poll in another worker holds the lock
        other.execute(sa.select(sa.func.pg_advisory_lock(polling.POLL_LOCK)))
        assert poll() == {"skipped": "another poll is reading the mailbox"}
        assert stored() == []
        other.execute(sa.select(sa.func.pg_advisory_unlock(polling.POLL_LOCK)))

    assert poll() == {"stored": 1}


def test_mailbox_state_names_the_mailbox_without_its_password(dovecot, reads):
    poll()

    recorded = state().mailbox
    assert recorded == f"imap://replies%40undersigned.test@127.0.0.1:{dovecot.port}/{reads}"
    assert PASSWORD not in recorded
    assert quote(PASSWORD, safe="") not in recorded


def test_refused_connection_is_a_clear_logged_error(app, monkeypatch, caplog, dovecot):
    monkeypatch.setitem(app.config, "INBOUND_IMAP_URL", dovecot.url(port=free_port()))

    with caplog.at_level(logging.ERROR, logger="app.inbound.poll_tasks"):
        result = poll()

    assert "connection was refused" in result["error"]
    assert "connection was refused" in caplog.text
    assert PASSWORD not in caplog.text
    assert quote(PASSWORD, safe="") not in caplog.text
    assert stored() == []


def test_wrong_password_is_a_clear_logged_error(app, dovecot, mailbox, monkeypatch, caplog):
    append(dovecot, mailbox, plain(1))
    monkeypatch.setitem(app.config, "INBOUND_IMAP_URL", dovecot.url(mailbox, password="not-the-password"))

    with caplog.at_level(logging.ERROR, logger="app.inbound.poll_tasks"):
        result = poll()

    assert "refused the user name or password" in result["error"]
    assert "refused the user name or password" in caplog.text
    assert "not-the-password" not in caplog.text
    assert stored() == []
    assert state() is None


def test_missing_mailbox_is_a_clear_logged_error(app, dovecot, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "INBOUND_IMAP_URL", dovecot.url("no-such-folder"))

    with caplog.at_level(logging.ERROR, logger="app.inbound.poll_tasks"):
        result = poll()

    assert "no-such-folder" in result["error"]
    assert "no-such-folder" in caplog.text
    assert state() is None


def test_no_mailbox_configured_reads_nothing(app, monkeypatch):
    monkeypatch.setitem(app.config, "INBOUND_IMAP_URL", None)

    assert poll() == {"skipped": "INBOUND_IMAP_URL is not set"}
    assert state() is None
