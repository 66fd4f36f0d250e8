"""What an emailed delivery carries: the signed PDF of the recipient, the cover message, the reply address."""

import idna
import pytest

from app.deliveries.models import Channel, DeliveryStatus
from app.deliveries.reply_address import token_from_address
from app.deliveries.tasks import send_delivery
from app.documents.verify import AUTHENTIC, verify_pdf
from app.inbound.matching import reference_tag
from tests.deliveries.email.conftest import (
    DsnController,
    DsnInbox,
    Inbox,
    cover_text,
    delivery_row,
    events,
    make_delivery,
    pdf_lines,
    pdf_of,
    smtp_server,
    special_smtp_server,
)
from tests.mail.conftest import send_to

pytestmark = pytest.mark.committed


@pytest.fixture
def inbox(app, monkeypatch):
    handler = Inbox()
    with smtp_server(handler) as port:
        send_to(app, monkeypatch, port)
        yield handler


def test_an_english_delivery_arrives_with_the_signed_pdf_the_cover_and_its_reply_address(inbox):
    delivery = make_delivery("en")
    send_delivery(delivery.id)

    ((rcpts, message),) = inbox.wait_for(1, timeout=10)
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.SENT
    assert rcpts == ["embassy@ukraine.example"]
    assert message["From"] == "Coalition for the Return <coalition@coalition.example>"
    assert message["Message-ID"] == row.message_id
    assert token_from_address(message["Reply-To"]) == row.reply_token
    tag = f"[UNDERSIGNED-{row.reply_token[:10].upper()}]"
    assert tag == reference_tag(row)
    assert message["Subject"] == f"Open letter: Do not send them back {tag}"
    text = cover_text(message)
    assert "Dear Ambassador of Ukraine," in text
    assert f"/documents/{row.document_id}" not in text  # the link is the document's token, not its id

    filename, pdf = pdf_of(message)
    assert filename.endswith(".pdf")
    verdict = verify_pdf(pdf)
    assert verdict.status == AUTHENTIC
    assert row.document_sha256 == verdict.sha256
    lines = pdf_lines(pdf)
    start = lines.index("Ambassador of Ukraine")
    assert lines[start : start + 4] == [
        "Ambassador of Ukraine",
        "1 Example-ro, Yongsan-gu",
        "Seoul 04001",
        "Republic of Korea",
    ]
    assert "Do not send them back" in lines
    assert row.server_reply.startswith("250 ")
    assert row.attempts == 1 and row.claimed_at and row.handed_over_at and row.sent_at
    assert [(e.from_status, e.to_status) for e in events(delivery.id)] == [
        ("queued", "sending"),
        ("sending", "sent"),
    ]


def test_a_korean_delivery_has_a_korean_cover_and_the_korean_pdf(inbox):
    delivery = make_delivery("ko")
    send_delivery(delivery.id)

    ((_rcpts, message),) = inbox.wait_for(1, timeout=10)
    assert message["Subject"] == f"공개 서한: 송환하지 마십시오 {reference_tag(delivery_row(delivery.id))}"
    assert "주한 우크라이나 대사" in cover_text(message)
    lines = pdf_lines(pdf_of(message)[1])
    start = lines.index("주한 우크라이나 대사")
    assert lines[start : start + 4] == [
        "주한 우크라이나 대사",
        "04001",
        "서울특별시 용산구 예시로 1",
        "대한민국",
    ]


def test_a_task_run_twice_sends_one_message(inbox):
    delivery = make_delivery("en")
    send_delivery(delivery.id)
    send_delivery(delivery.id)
    assert len(inbox.wait_for(1, timeout=10)) == 1
    assert delivery_row(delivery.id).attempts == 1


def test_a_fax_goes_to_the_gateway_with_the_digits_of_the_number(app, inbox, monkeypatch):
    monkeypatch.setitem(app.config, "FAX_EMAIL_GATEWAY", "{number}@fax.example.net")
    delivery = make_delivery("en", channel=Channel.FAX)
    send_delivery(delivery.id)
    ((rcpts, message),) = inbox.wait_for(1, timeout=10)
    assert rcpts == ["8225550199@fax.example.net"]
    assert pdf_of(message)[1].startswith(b"%PDF")
    assert delivery_row(delivery.id).status == DeliveryStatus.SENT


def test_a_fax_without_a_gateway_is_left_to_staff(inbox):
    delivery = make_delivery("en", channel=Channel.FAX, render=False)
    send_delivery(delivery.id)
    assert inbox.received == []
    assert delivery_row(delivery.id).status == DeliveryStatus.QUEUED


def test_a_server_offering_dsn_is_asked_for_a_notification_with_the_delivery_token(app, monkeypatch):
    handler = DsnInbox()
    with special_smtp_server(handler, DsnController) as port:
        send_to(app, monkeypatch, port)
        delivery = make_delivery("en")
        send_delivery(delivery.id)
        handler.wait_for(1, timeout=10)
    token = delivery_row(delivery.id).reply_token
    assert handler.dsn == ["RET=HDRS", f"ENVID={token}", "NOTIFY=SUCCESS,FAILURE"]


def test_an_address_with_a_korean_mailbox_name_goes_to_a_server_offering_smtputf8(app, monkeypatch):
    handler = Inbox()
    with smtp_server(handler, smtputf8=True) as port:
        send_to(app, monkeypatch, port)
        delivery = make_delivery("ko", destination="대사관@ukraine.example")
        send_delivery(delivery.id)
        ((rcpts, message),) = handler.wait_for(1, timeout=10)
    assert rcpts == ["대사관@ukraine.example"]
    assert message["To"] == "대사관@ukraine.example"
    assert delivery_row(delivery.id).status == DeliveryStatus.SENT


def test_an_international_domain_goes_as_punycode_to_a_server_without_smtputf8(inbox):
    delivery = make_delivery("en", destination="embassy@우크라이나.example")
    send_delivery(delivery.id)
    ((rcpts, _message),) = inbox.wait_for(1, timeout=10)
    ascii_domain = idna.encode("우크라이나.example", uts46=True).decode()
    assert ascii_domain.startswith("xn--")
    assert rcpts == [f"embassy@{ascii_domain}"]
