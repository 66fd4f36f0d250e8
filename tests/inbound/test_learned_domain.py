"""A reply with nothing of ours in it is filed by the domain its recipient replied from before; never by
a public mail domain, and never to one of several open deliveries."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.inbound.models import InboundMessage, InboundStatus
from app.inbound.poll_tasks import poll_mailbox
from tests.factories import RecipientFactory
from tests.helpers import page_text
from tests.inbound.conftest import reply_to
from tests.inbound.mime import message
from tests.inbound.test_filing import filed
from tests.inbound.test_imap_polling import append

PEN = "/staff/inbound"


@pytest.fixture
def ministry():
    """A recipient whose registry address is not where its officials write from."""
    return RecipientFactory(name_en="Ministry of Foreign Affairs", emails=["minister@korea.kr"])


def replied_before(make_sent, recipient, sender):
    """A first delivery to `recipient`, answered from `sender` through its reply address."""
    earlier = make_sent(recipient=recipient)
    reply = filed(message(body="We have received your letter.", From=sender, To=reply_to(earlier)))
    assert (reply.status, reply.kind) == (InboundStatus.FILED, "reply")
    return earlier


def bare(sender):
    """A reply with no reply address, no In-Reply-To or References and no subject tag."""
    return message(
        body="Regarding your letter: the Minister will meet you.", From=sender, Subject="Your letter"
    )


def test_a_domain_learned_from_earlier_replies_files_the_message(make_sent, ministry):
    open_one = make_sent(recipient=ministry)
    before = filed(bare("hr-desk@mofa.go.kr"))
    assert before.status == InboundStatus.HELD  # nothing learned yet
    replied_before(make_sent, ministry, "Officer Kim <kim.officer@mofa.go.kr>")
    inbound = filed(bare("hr-desk@MOFA.go.kr"))
    assert (inbound.status, inbound.delivery_id) == (InboundStatus.FILED, open_one.id)
    assert inbound.reason == (
        "sender's domain mofa.go.kr learned from earlier replies of Ministry of Foreign Affairs"
    )
    assert inbound.response.delivery_id == open_one.id


def test_a_public_mail_domain_is_never_learned(client, auth, make_sent, ministry):
    make_sent(recipient=ministry)
    replied_before(make_sent, ministry, "ambassador.kim@gmail.com")
    inbound = filed(bare("someone.else@gmail.com"))
    assert (inbound.status, inbound.delivery_id) == (InboundStatus.HELD, None)
    assert "learned" not in inbound.reason
    auth.login("editor")
    assert "Earlier replies of this recipient came from" not in page_text(client.get(f"{PEN}?lang=en"))


def test_two_open_deliveries_of_the_recipient_hold_the_message_with_both_as_guesses(
    client, auth, make_sent, ministry
):
    first, second = make_sent(recipient=ministry), make_sent(recipient=ministry)
    replied_before(make_sent, ministry, "kim.officer@mofa.go.kr")
    inbound = filed(bare("hr-desk@mofa.go.kr"))
    assert (inbound.status, inbound.delivery_id) == (InboundStatus.HELD, None)
    assert inbound.reason == (
        "sender's domain mofa.go.kr learned from earlier replies of Ministry of Foreign Affairs, "
        f"but 2 of its deliveries await an answer ({first.id}, {second.id}): held"
    )
    auth.login("editor")  # the holding pen shows senders' addresses: editors only
    text = page_text(client.get(f"{PEN}?lang=en"))
    assert f"Delivery {first.id}" in text and f"Delivery {second.id}" in text
    assert "Earlier replies of this recipient came from mofa.go.kr." in text


def test_a_domain_two_recipients_replied_from_files_nothing(make_sent, ministry):
    other = RecipientFactory(name_en="Ministry of Justice", emails=["minister@moj.example"])
    make_sent(recipient=ministry)
    make_sent(recipient=other)
    replied_before(make_sent, ministry, "kim@shared-gov.example")
    replied_before(make_sent, other, "lee@shared-gov.example")
    inbound = filed(bare("park@shared-gov.example"))
    assert inbound.status == InboundStatus.HELD
    assert "more than one recipient" in inbound.reason


@pytest.mark.committed
def test_a_reply_read_from_the_mailbox_is_filed_by_its_learned_domain(
    app, dovecot, mailbox, monkeypatch, make_sent, ministry
):
    monkeypatch.setitem(app.config, "INBOUND_IMAP_URL", dovecot.url(mailbox))
    open_one = make_sent(recipient=ministry)
    replied_before(make_sent, ministry, "kim.officer@mofa.go.kr")
    db.session.commit()
    append(dovecot, mailbox, bare("hr-desk@mofa.go.kr"))
    assert poll_mailbox() == {"stored": 1}
    db.session.rollback()
    [inbound] = db.session.scalars(
        sa.select(InboundMessage).where(InboundMessage.source.like("imap:%"))
    ).all()
    assert (inbound.status, inbound.delivery_id) == (InboundStatus.FILED, open_one.id)
    assert "sender's domain mofa.go.kr learned from earlier replies" in inbound.reason
