"""Response due dates in working days, counting the public holidays of the recipient's country."""

from datetime import timedelta
from functools import lru_cache

import holidays
from flask import current_app

from app.core.timeutil import utcnow


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


def response_clock(delivery, today=None):
    """How the delivery's due date was computed and where it stands today, as plain data.

    state: "not_started", "awaiting", "overdue", "long_overdue".
    """
    today = today or utcnow().date()
    started = clock_start(delivery)
    if started is None:
        return {"state": "not_started"}
    country = delivery.recipient.country if delivery.recipient else ""
    days = due_working_days(delivery)
    due, skipped = add_working_days(started, days, country)
    waited = working_days_between(started, today, country)
    if waited >= long_overdue_working_days():
        state = "long_overdue"
    elif today > due:
        state = "overdue"
    else:
        state = "awaiting"
    return {
        "state": state,
        "started_on": started,
        "working_days": days,
        "due_on": due,
        "skipped": skipped,
        "waited": waited,
        "country": country,
    }
