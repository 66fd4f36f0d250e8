"""Passing failures are tried again with back-off; permanent ones fail the delivery with the answer."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.deliveries.models import Delivery, DeliveryStatus
from app.deliveries.tasks import send_delivery
from app.documents.models import Document, DocumentStatus, FailureReason
from app.documents.services import current_document
from app.extensions import db
from tests.deliveries.email.conftest import (
    Inbox,
    ScriptedInbox,
    delivery_row,
    events,
    make_delivery,
    pdf_of,
    smtp_server,
)
from tests.mail.conftest import send_to
from tests.signatures.test_sign_end_to_end import free_port

pytestmark = pytest.mark.committed


def due_now(delivery_id):
    """Let the next attempt's time come (as the clock would)."""
    db.session.execute(
        sa.update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def test_a_server_answering_451_then_250_gets_one_message_on_the_second_attempt(app, monkeypatch):
    handler = ScriptedInbox("451 4.3.0 Try again later")
    with smtp_server(handler) as port:
        send_to(app, monkeypatch, port)
        delivery = make_delivery("en")
        send_delivery(delivery.id)
        first = delivery_row(delivery.id)
        assert first.status == DeliveryStatus.QUEUED
        assert first.attempts == 1
        wait = first.next_attempt_at - utcnow()
        assert timedelta(seconds=50) < wait <= timedelta(seconds=60)
        assert "451 4.3.0 Try again later" in first.last_error

        due_now(delivery.id)
        send_delivery(delivery.id)
        ((_rcpts, message),) = handler.wait_for(1, timeout=10)
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.SENT and row.attempts == 2
    assert message["Message-ID"] == row.message_id == first.message_id
    history = [(e.to_status, e.attempt) for e in events(delivery.id)]
    assert history == [("sending", 1), ("queued", 1), ("sending", 2), ("sent", 2)]
    assert "451" in events(delivery.id)[1].detail


def test_the_back_off_doubles_up_to_its_cap_and_then_gives_up(app, monkeypatch):
    monkeypatch.setitem(app.config, "DELIVERY_MAX_ATTEMPTS", 4)
    monkeypatch.setitem(app.config, "DELIVERY_RETRY_CAP", 150)
    with smtp_server(ScriptedInbox(*["451 busy"] * 4)) as port:
        send_to(app, monkeypatch, port)
        delivery = make_delivery("en")
        waits = []
        for _ in range(4):
            send_delivery(delivery.id)
            row = delivery_row(delivery.id)
            if row.next_attempt_at:
                waits.append(round((row.next_attempt_at - utcnow()).total_seconds() / 10) * 10)
            due_now(delivery.id)
    assert waits == [60, 120, 150]
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.FAILED and row.failure_reason == "gave_up"


def test_a_refused_connection_is_tried_again(app, monkeypatch):
    send_to(app, monkeypatch, free_port())
    delivery = make_delivery("en")
    send_delivery(delivery.id)
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.QUEUED and row.attempts == 1
    assert row.handed_over_at is None and "Connection" in row.last_error


def test_a_server_answering_550_fails_the_delivery_with_its_answer(app, monkeypatch):
    handler = ScriptedInbox("550 5.7.1 Delivery not authorized, message refused")
    with smtp_server(handler) as port:
        send_to(app, monkeypatch, port)
        delivery = make_delivery("en")
        send_delivery(delivery.id)
        send_delivery(delivery.id)
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.FAILED
    assert row.failure_reason == "refused"
    assert row.server_reply == "550 5.7.1 Delivery not authorized, message refused"
    assert handler.received == [] and len(handler.answered) == 1


def test_a_delivery_whose_pdf_is_not_rendered_asks_for_it_and_waits_without_an_attempt(app, monkeypatch):
    handler = Inbox()
    with smtp_server(handler) as port:
        send_to(app, monkeypatch, port)
        delivery = make_delivery("en", render=False)
        send_delivery(delivery.id)  # the test app renders in-process (eager) when asked
        row = delivery_row(delivery.id)
        assert row.status == DeliveryStatus.QUEUED and row.attempts == 0
        assert db.session.get(Document, row.document_id).status == DocumentStatus.READY
        assert handler.received == []

        due_now(delivery.id)
        send_delivery(delivery.id)
        ((_rcpts, message),) = handler.wait_for(1, timeout=10)
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.SENT and row.attempts == 1
    assert pdf_of(message)[1].startswith(b"%PDF")


def test_a_delivery_whose_pdf_failed_to_render_fails_with_document_failed(app, monkeypatch):
    handler = Inbox()
    with smtp_server(handler) as port:
        send_to(app, monkeypatch, port)
        delivery = make_delivery("en", render=False)
        document, _ = current_document(delivery.letter, "en", delivery.recipient)
        document.fail(FailureReason.TEMPLATE, "the template is broken")
        db.session.get(Delivery, delivery.id).document_id = document.id
        db.session.commit()
        send_delivery(delivery.id)
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.FAILED and row.failure_reason == "document_failed"
    assert handler.received == []


def test_a_recipient_without_an_email_address_fails_with_no_address():
    delivery = make_delivery("en", destination="")
    recipient = db.session.get(Delivery, delivery.id).recipient
    recipient.emails = []
    db.session.commit()
    send_delivery(delivery.id)
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.FAILED and row.failure_reason == "no_address"


class RefusingRecipient(Inbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        return "550 5.1.1 <embassy@ukraine.example>: Recipient address rejected"


def test_a_recipient_refused_at_rcpt_fails_the_delivery_with_the_servers_answer(app, monkeypatch):
    handler = RefusingRecipient()
    with smtp_server(handler) as port:
        send_to(app, monkeypatch, port)
        delivery = make_delivery("en")
        send_delivery(delivery.id)
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.FAILED and row.failure_reason == "refused"
    assert row.server_reply == "550 5.1.1 <embassy@ukraine.example>: Recipient address rejected"
    assert row.handed_over_at is None and handler.received == []


def test_retry_delays_stay_well_below_the_brokers_visibility_timeout(app):
    # kombu's Redis transport redelivers an unacknowledged task after visibility_timeout (3600 s
    # unless set); RabbitMQ closes a consumer that holds one longer than consumer_timeout (30 min).
    options = app.extensions["celery"].conf.broker_transport_options or {}
    visibility_timeout = options.get("visibility_timeout", 3600)
    assert app.config["DELIVERY_RETRY_CAP"] * 2 <= min(visibility_timeout, 1800)
