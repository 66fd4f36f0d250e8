"""INBOUND_IMAP_URL: schemes, default ports, the mailbox, percent-encoded parts, and what is shown of it."""

import logging
import runpy
from pathlib import Path

import pytest

from app.inbound.imap import MailboxError, parse_url
from app.inbound.poll_tasks import poll_mailbox
from config import load_config

ROOT = Path(__file__).resolve().parents[2]


def test_imaps_url_defaults_to_port_993_and_inbox():
    address = parse_url("imaps://replies:secret@mail.example.org")

    assert (address.scheme, address.host, address.port) == ("imaps", "mail.example.org", 993)
    assert (address.user, address.password, address.mailbox) == ("replies", "secret", "INBOX")


def test_imap_url_defaults_to_port_143():
    address = parse_url("imap://replies:secret@127.0.0.1/INBOX")

    assert (address.scheme, address.port) == ("imap", 143)


def test_port_and_mailbox_are_read_from_the_url():
    address = parse_url("imaps://replies:secret@mail.example.org:10993/Replies%2F2026")

    assert address.port == 10993
    assert address.mailbox == "Replies/2026"


def test_percent_encoded_user_and_password_are_decoded():
    address = parse_url("imaps://replies%40example.org:p%40ss%3Aw%2Frd%25%C3%A4@mail.example.org/INBOX")

    assert address.user == "replies@example.org"
    assert address.password == "p@ss:w/rd%ä"


def test_safe_url_has_no_password():
    address = parse_url("imaps://replies%40example.org:hunter2@mail.example.org/INBOX")

    assert address.safe_url == "imaps://replies%40example.org@mail.example.org:993/INBOX"
    assert "hunter2" not in address.safe_url
    assert "hunter2" not in repr(address)


@pytest.mark.parametrize(
    ("host", "is_loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.53", True),
        ("localhost", True),
        ("::1", True),
        ("mail.example.org", False),
        ("192.0.2.10", False),
    ],
)
def test_loopback_hosts_are_told_from_others_for_plain_imap(host, is_loopback):
    netloc = f"[{host}]" if ":" in host else host
    assert parse_url(f"imap://replies:secret@{netloc}/INBOX").is_loopback is is_loopback


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://replies:secret@mail.example.org/INBOX", "must start with imaps://"),
        ("imaps://mail.example.org/INBOX", "needs a user, a password and a host"),
        ("imaps://replies@mail.example.org/INBOX", "needs a user, a password and a host"),
        ("imaps://replies:secret@mail.example.org:port/INBOX", "is not a URL"),
    ],
)
def test_wrong_urls_are_refused_with_words_that_say_why(url, words):
    with pytest.raises(MailboxError, match=words) as caught:
        parse_url(url)
    assert "secret" not in str(caught.value)


def test_task_logs_a_wrong_url_without_its_password(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "INBOUND_IMAP_URL", "pop3://replies:hunter2@mail.example.org/")

    with caplog.at_level(logging.ERROR, logger="app.inbound.poll_tasks"):
        result = poll_mailbox()

    assert "must start with imaps://" in result["error"]
    assert "must start with imaps://" in caplog.text
    assert "hunter2" not in caplog.text


def test_settings_default_and_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("INBOUND_IMAP_URL", raising=False)
    monkeypatch.delenv("INBOUND_POLL_SECONDS", raising=False)
    monkeypatch.delenv("INBOUND_MAX_BYTES", raising=False)
    defaults = load_config("testing")
    assert defaults["INBOUND_IMAP_URL"] is None
    assert defaults["INBOUND_POLL_SECONDS"] == 60
    assert defaults["INBOUND_MAX_BYTES"] == 25 * 1024 * 1024

    monkeypatch.setenv("INBOUND_IMAP_URL", "imaps://replies:secret@mail.example.org/INBOX")
    monkeypatch.setenv("INBOUND_POLL_SECONDS", "300")
    monkeypatch.setenv("INBOUND_MAX_BYTES", "1000000")
    settings = load_config("testing")
    assert settings["INBOUND_IMAP_URL"] == "imaps://replies:secret@mail.example.org/INBOX"
    assert (settings["INBOUND_POLL_SECONDS"], settings["INBOUND_MAX_BYTES"]) == (300, 1_000_000)


def test_beat_polls_every_inbound_poll_seconds():
    # Read the schedule without importing the worker package, which builds a production app.
    inbound_poll = runpy.run_path(str(ROOT / "worker" / "schedule.py"))["inbound_poll"]
    entry = inbound_poll({"INBOUND_POLL_SECONDS": 90})

    assert entry["task"] == "inbound.poll"
    assert entry["schedule"].total_seconds() == 90
    assert entry["options"]["expires"] == 90
