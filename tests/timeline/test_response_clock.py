"""The response clock is computed from events: extensions, pauses for a clarification, and stops."""

from datetime import date

from app.extensions import db
from app.responses.models import StatusEvent, StatusKind
from app.timeline.deadlines import response_clock
from app.timeline.labels import explain_clock
from app.timeline.services import propose_event
from tests.factories import RecipientFactory
from tests.timeline.conftest import make_delivery

MONDAY = date(2025, 3, 3)  # sent; 20 working days later (weekends only) is Monday 31 March


def _delivery(letter):
    return make_delivery(letter, RecipientFactory(country=""), MONDAY)


def _event(delivery, kind, day, **values):
    db.session.add(
        StatusEvent(
            campaign_id=delivery.letter.campaign_id,
            letter_id=delivery.letter_id,
            delivery_id=delivery.id,
            kind=kind,
            occurred_on=day,
            is_public=False,
            **values,
        )
    )
    db.session.commit()


def test_an_extension_sets_the_new_due_date(app, letter):
    delivery = _delivery(letter)
    _event(delivery, StatusKind.EXTENDED, date(2025, 3, 20), new_due_on=date(2025, 4, 30))
    clock = response_clock(delivery, today=date(2025, 4, 15))
    assert (clock["due_on"], clock["state"]) == (date(2025, 4, 30), "awaiting")
    assert "extended to April 30, 2025" in explain_clock(clock, "en")


def test_a_pause_for_a_clarification_moves_the_due_date_by_its_working_days(app, letter):
    delivery = _delivery(letter)
    _event(delivery, StatusKind.PAUSED, date(2025, 3, 10))  # Monday
    _event(delivery, StatusKind.RESUMED, date(2025, 3, 17))  # a week later: 5 working days
    clock = response_clock(delivery, today=date(2025, 4, 2))
    assert (clock["paused"], clock["due_on"], clock["state"]) == (5, date(2025, 4, 7), "awaiting")
    assert "paused from March 10, 2025 to March 17, 2025" in explain_clock(clock, "en")


def test_an_open_pause_holds_the_clock_until_today(app, letter):
    delivery = _delivery(letter)
    _event(delivery, StatusKind.PAUSED, date(2025, 3, 10))
    clock = response_clock(delivery, today=date(2025, 6, 2))
    assert clock["state"] == "awaiting" and clock["waited"] == 5


def test_an_answer_stops_the_clock_and_a_proposal_does_not(app, letter):
    delivery = _delivery(letter)
    propose_event(letter, "responded", date(2025, 3, 14), delivery=delivery)
    db.session.commit()
    assert response_clock(delivery, today=date(2025, 6, 2))["state"] == "long_overdue"
    _event(delivery, StatusKind.RESOLVED, date(2025, 3, 14))
    clock = response_clock(delivery, today=date(2025, 6, 2))
    assert (clock["state"], clock["waited"]) == ("stopped", 9)
