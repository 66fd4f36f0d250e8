"""Response due dates in working days, counting the public holidays of the recipient's country."""

from datetime import timedelta
from functools import lru_cache

import holidays
import sqlalchemy as sa
from flask import current_app

from app.core.timeutil import utcnow
from app.extensions import db
from app.responses.models import StatusEvent, StatusKind

#: Events after which nothing is awaited any more: the clock stops.
STOPS = (
    StatusKind.RESPONDED,
    StatusKind.REFERRED,
    StatusKind.RESOLVED,
    StatusKind.DECLINED,
    StatusKind.CLOSED,
)


@lru_cache(maxsize=128)
def _calendar(country, year, lang):
    """{date: name} of `country`'s public holidays in `year`; empty when the country is unknown."""
    if not country or country.upper() not in holidays.list_supported_countries():
        return {}
    calendar = holidays.country_holidays(country.upper())
    language = lang if lang in (calendar.supported_languages or ()) else "en_US"
    return dict(holidays.country_holidays(country.upper(), years=year, language=language))


def holiday_name(day, country, lang="en"):
    """The holiday's name on `day` (in `lang` where the package has it), or None on an ordinary day."""
    return _calendar(country or "", day.year, lang).get(day)


def is_working_day(day, country):
    return day.weekday() < 5 and holiday_name(day, country) is None


def add_working_days(start, days, country):
    """(the date `days` working days after `start`, the holidays skipped on the way as (date, name))."""
    day, counted, skipped = start, 0, []
    while counted < days:
        day += timedelta(days=1)
        name = holiday_name(day, country)
        if day.weekday() >= 5:
            continue
        if name is not None:
            skipped.append((day, name))
            continue
        counted += 1
    return day, skipped


def working_days_between(start, end, country):
    """Working days after `start` up to and including `end` (0 when `end` is not later)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day, country)
    return count


def clock_start(delivery):
    """The clock starts at the actual send: sent_at, else delivered_at; None before either."""
    moment = delivery.sent_at or delivery.delivered_at
    return moment.date() if moment else None


def due_working_days(delivery=None):
    """The recipient's own term, else the letter's, else RESPONSE_DUE_WORKING_DAYS."""
    for owner in (getattr(delivery, "recipient", None), getattr(delivery, "letter", None)):
        days = getattr(owner, "response_due_working_days", None)
        if days:
            return days
    return current_app.config["RESPONSE_DUE_WORKING_DAYS"]


def long_overdue_working_days():
    return current_app.config["RESPONSE_LONG_OVERDUE_WORKING_DAYS"]


def _clock_events(delivery):
    """The delivery's accepted events that move its clock, by date."""
    if delivery.id is None:
        return []
    return db.session.scalars(
        sa.select(StatusEvent)
        .where(
            StatusEvent.delivery_id == delivery.id,
            StatusEvent.is_proposed.is_(False),
            StatusEvent.kind.in_((*STOPS, StatusKind.EXTENDED, StatusKind.PAUSED, StatusKind.RESUMED)),
        )
        .order_by(StatusEvent.occurred_on, StatusEvent.id)
    ).all()


def _pauses(events, until):
    """[(from, to)]: each pause (clarification requested) until it was answered, or until `until`."""
    pauses, opened = [], None
    for event in events:
        if event.kind == StatusKind.PAUSED and opened is None:
            opened = event.occurred_on
        elif event.kind == StatusKind.RESUMED and opened is not None:
            pauses.append((opened, min(event.occurred_on, until)))
            opened = None
    if opened is not None:
        pauses.append((opened, until))
    return [(start, end) for start, end in pauses if end > start]


def _state(today, due, counted, stopped_on):
    if stopped_on is not None:
        return "stopped"
    if counted >= long_overdue_working_days() and today > due:
        return "long_overdue"
    return "overdue" if today > due else "awaiting"


def response_clock(delivery, today=None):
    """How the delivery's due date was computed from its events and where it stands, as plain data.

    The clock starts at the send; an extension sets a new due date; a pause (clarification
    requested) moves the due date by its working days; an answer, a referral or a close stops it.
    state: "not_started", "awaiting", "overdue", "long_overdue", "stopped".
    """
    today = today or utcnow().date()
    started = clock_start(delivery)
    if started is None:
        return {"state": "not_started"}
    country = delivery.recipient.country if delivery.recipient else ""
    days = due_working_days(delivery)
    events = _clock_events(delivery)
    stopped_on = next((e.occurred_on for e in events if e.kind in STOPS), None)
    until = min(today, stopped_on) if stopped_on else today
    extension = next(
        (e.new_due_on for e in reversed(events) if e.kind == StatusKind.EXTENDED and e.new_due_on), None
    )
    due, skipped = add_working_days(started, days, country)
    pauses = _pauses(events, until)
    paused = sum(working_days_between(start, end, country) for start, end in pauses)
    due = extension or due
    if paused:
        due, more = add_working_days(due, paused, country)
        skipped = skipped + more
    waited = working_days_between(started, until, country)
    return {
        "state": _state(today, due, waited - paused, stopped_on),
        "started_on": started,
        "working_days": days,
        "due_on": due,
        "skipped": skipped,
        "waited": waited - paused,
        "country": country,
        "extended_to": extension,
        "pauses": pauses,
        "paused": paused,
        "stopped_on": stopped_on,
        "today": today,
    }


def holidays_between(start, end, country, lang="en"):
    """[(date, name in `lang`)]: the public holidays on weekdays after `start` up to and including `end`,
    the days working_days_between leaves out besides weekends."""
    skipped, day = [], start
    while day < end:
        day += timedelta(days=1)
        name = holiday_name(day, country, lang)
        if day.weekday() < 5 and name is not None:
            skipped.append((day, name))
    return skipped
