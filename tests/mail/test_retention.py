"""Old messages lose their address and body after MAIL_RETENTION_DAYS; the row stays for the record."""

from datetime import timedelta

from app.core.timeutil import utcnow
from app.mail.models import MailStatus
from app.mail.tasks import blank_old
from tests.factories import OutboxMessageFactory
from tests.helpers import page_text
from tests.mail.conftest import outbox


def days_ago(days):
    return utcnow() - timedelta(days=days)


def test_messages_past_the_retention_period_lose_address_and_body_but_keep_their_record(client, auth):
    old_sent = OutboxMessageFactory(to="old@example.org", status=MailStatus.SENT, sent_at=days_ago(31))
    recent = OutboxMessageFactory(to="recent@example.org", status=MailStatus.SENT, sent_at=days_ago(29))
    old_failed = OutboxMessageFactory(
        to="failed@example.org", status=MailStatus.FAILED, last_attempt_at=days_ago(40)
    )
    waiting = OutboxMessageFactory(to="waiting@example.org", created_at=days_ago(40))
    sent_at = old_sent.sent_at

    assert blank_old() == 2
    assert blank_old() == 0

    by_id = {message.id: message for message in outbox()}
    blanked = by_id[old_sent.id]
    assert (blanked.to, blanked.body_text, blanked.body_html, blanked.headers) == ("", "", None, {})
    assert (blanked.status, blanked.sent_at, blanked.subject) == (MailStatus.SENT, sent_at, old_sent.subject)
    assert blanked.blanked_at is not None
    assert by_id[old_failed.id].to == "" and by_id[old_failed.id].status == MailStatus.FAILED
    assert by_id[recent.id].to == "recent@example.org" and by_id[recent.id].body_text
    assert by_id[waiting.id].to == "waiting@example.org"

    auth.login("admin")
    listing = page_text(client.get("/staff/outbox/"))
    assert "old@example.org" not in listing and "recent@example.org" in listing
    assert listing.count("(removed)") == 2
    page = page_text(client.get(f"/staff/outbox/{old_sent.id}"))
    assert "The address and the text were removed 30 days after sending" in page
    assert "Thank you for signing." not in page


def test_the_retention_period_is_a_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_RETENTION_DAYS", 7)
    OutboxMessageFactory(status=MailStatus.KEPT, sent_at=days_ago(8))
    OutboxMessageFactory(status=MailStatus.KEPT, sent_at=days_ago(6))

    assert blank_old() == 1
    assert sorted(message.to == "" for message in outbox()) == [False, True]
