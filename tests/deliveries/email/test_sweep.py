"""The delivery sweeper hands over what the broker lost, sends again what was cut off before the
hand-over, and marks unconfirmed what was cut off after it."""

import runpy
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.deliveries.models import Delivery, DeliveryStatus
from app.deliveries.tasks import send_delivery, sweep
from app.extensions import db
from tests.deliveries.email.conftest import Inbox, delivery_row, events, make_delivery, smtp_server
from tests.mail.conftest import send_to

pytestmark = pytest.mark.committed


@pytest.fixture
def inbox(app, monkeypatch):
    handler = Inbox()
    with smtp_server(handler) as port:
        send_to(app, monkeypatch, port)
        yield handler


def change(delivery_id, **values):
    db.session.execute(
        sa.update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def ago(**delta):
    return utcnow() - timedelta(**delta)


def test_a_queued_delivery_the_broker_lost_is_handed_over_again_and_sent(inbox):
    delivery = make_delivery("en")
    assert sweep()["handed_over"] == 0  # just queued: its task is still with the broker
    change(delivery.id, updated_at=ago(minutes=11))
    assert sweep()["handed_over"] == 1
    assert len(inbox.wait_for(1, timeout=10)) == 1
    assert delivery_row(delivery.id).status == DeliveryStatus.SENT
    assert sweep()["handed_over"] == 0


def test_a_delivery_for_later_waits_for_its_time_then_the_sweeper_sends_it(inbox):
    delivery = make_delivery("en", send_at=utcnow() + timedelta(hours=1))
    send_delivery(delivery.id)
    assert sweep()["handed_over"] == 0
    assert inbox.received == [] and delivery_row(delivery.id).status == DeliveryStatus.QUEUED
    change(delivery.id, send_at=ago(seconds=1), updated_at=ago(minutes=1))
    assert sweep()["handed_over"] == 1
    assert len(inbox.wait_for(1, timeout=10)) == 1


def test_a_send_cut_off_before_the_hand_over_is_sent_again(inbox):
    delivery = make_delivery("en")
    change(delivery.id, status=DeliveryStatus.SENDING, attempts=1, claimed_at=ago(minutes=5))
    assert sweep()["sent_again"] == 0  # a live worker may still be talking to the server
    change(delivery.id, claimed_at=ago(minutes=11))
    assert sweep()["sent_again"] == 1
    assert len(inbox.wait_for(1, timeout=10)) == 1
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.SENT and row.attempts == 2
    assert "before the message was handed over" in events(delivery.id)[0].detail


def test_a_send_cut_off_after_the_hand_over_is_unconfirmed_and_never_sent_again(inbox):
    delivery = make_delivery("en")
    change(
        delivery.id,
        status=DeliveryStatus.SENDING,
        attempts=1,
        claimed_at=ago(minutes=11),
        handed_over_at=ago(minutes=11),
    )
    assert sweep() == {"handed_over": 0, "sent_again": 0, "unconfirmed": 1}
    change(delivery.id, updated_at=ago(hours=1))
    assert sweep() == {"handed_over": 0, "sent_again": 0, "unconfirmed": 0}
    assert inbox.received == []
    assert delivery_row(delivery.id).status == DeliveryStatus.UNCONFIRMED


def test_the_sweeper_runs_every_minute_and_deliveries_go_to_the_mail_queue(app):
    # Read the schedule without importing the worker package, which builds a production app.
    schedule = runpy.run_path(str(Path(__file__).parents[3] / "worker" / "schedule.py"))["BEAT_SCHEDULE"]
    (entry,) = [e for e in schedule.values() if e["task"] == "deliveries.sweep"]
    assert entry["schedule"] == timedelta(minutes=1)
    router = app.extensions["celery"].amqp.router
    assert router.route({}, "deliveries.send")["queue"].name == "mail"
