"""Internationalized addresses: SMTPUTF8 when the server offers it, else the domain in punycode."""

import pytest

from app.mail.models import MailFailure, MailStatus
from app.mail.tasks import send_mail
from tests.factories import OutboxMessageFactory
from tests.helpers import page_text
from tests.mail.conftest import outbox
from tests.signatures.conftest import sign

DOMAIN = "예시.한국"
PUNYCODE = "xn--vv4b11d.xn--3e0b707e"


def test_the_punycode_domain_is_used_when_the_server_has_no_smtputf8(client, letter, inbox):
    assert sign(client, letter, email=f"jane@{DOMAIN}").status_code == 302

    [(recipients, email)] = inbox.wait_for(1)
    assert recipients == [f"jane@{PUNYCODE}"]
    assert email["To"] == f"jane@{PUNYCODE}"
    assert outbox()[0].status == MailStatus.SENT


def test_an_address_goes_out_as_written_when_the_server_offers_smtputf8(client, letter, utf8_inbox):
    assert sign(client, letter, email=f"김철수@{DOMAIN}").status_code == 302

    [(recipients, email)] = utf8_inbox.wait_for(1)
    assert recipients == [f"김철수@{DOMAIN}"]
    assert email["To"] == f"김철수@{DOMAIN}"
    assert "/s/confirm/" in email.get_content()


@pytest.mark.parametrize("to", [f"김철수@{DOMAIN}", "김철수@example.org"])
def test_a_non_ascii_name_before_the_at_fails_clearly_on_a_server_without_smtputf8(client, auth, inbox, to):
    message_id = OutboxMessageFactory(to=to).id

    send_mail(message_id)

    assert inbox.received == []
    [message] = outbox()
    assert (message.status, message.failure_reason) == (MailStatus.FAILED, MailFailure.NEEDS_SMTPUTF8)
    auth.login("admin")
    text = page_text(client.get(f"/staff/outbox/{message_id}"))
    assert "The address has non-Latin letters before the @" in text
    assert "does not offer SMTPUTF8" in text
    assert "Send again" in text
    korean = page_text(client.get("/staff/outbox/", headers={"Accept-Language": "ko"}))
    assert "실패" in korean and "SMTPUTF8을 지원하지 않음" in korean


def test_the_outbox_keeps_the_address_as_the_signer_wrote_it(inbox):
    message_id = OutboxMessageFactory(to=f"jane@{DOMAIN}").id
    send_mail(message_id)
    [(recipients, _email)] = inbox.wait_for(1)
    assert recipients == [f"jane@{PUNYCODE}"]
    assert [message.to for message in outbox()] == [f"jane@{DOMAIN}"]
