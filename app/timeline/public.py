"""The public side of the timeline: accepted public events and the board of answers awaited, as plain data."""

import sqlalchemy as sa

from app.core.i18n import localized_date
from app.extensions import db
from app.letters.models import Letter
from app.responses.models import Response, ResponseSource, StatusEvent
from app.timeline.board import awaiting_board
from app.timeline.labels import kind_label, reply_label


def public_events(campaign_id):
    return db.session.scalars(
        sa.select(StatusEvent)
        .where(
            StatusEvent.campaign_id == campaign_id,
            StatusEvent.is_public.is_(True),
            StatusEvent.is_proposed.is_(False),
        )
        .order_by(StatusEvent.occurred_on, StatusEvent.id)
    ).all()


def _pick(en, ko, lang):
    return (ko or en) if lang == "ko" else (en or ko)


def _answer(event, lang):
    """The body's answer in brief, where the event rests on a response staff made public."""
    response = event.response
    if response is None or not response.is_public:
        return ""
    return _pick(response.summary_en, response.summary_ko, lang)


def event_data(event, lang):
    recipient = event.delivery.recipient if event.delivery is not None else None
    if recipient is None and event.response is not None and event.response.is_public:
        recipient = event.response.recipient
    return {
        "id": event.id,
        "date": localized_date(event.occurred_on, lang),
        "iso_date": event.occurred_on.isoformat(),
        "kind": str(event.kind),
        "label": kind_label(event.kind, lang),
        "title": _pick(event.title_en, event.title_ko, lang),
        "description": _pick(event.description_en, event.description_ko, lang),
        "reference": event.reference,
        "answer": _answer(event, lang),
        "by": "",
        # A recipient is named only on an event staff published.
        "recipient": recipient.name(lang) if recipient is not None else "",
    }


def public_replies(campaign_id, events):
    """Responses the recipients themselves posted as public, that no published event shows yet."""
    shown = {e.response_id for e in events if e.response_id}
    query = (
        sa.select(Response)
        .join(Letter, Letter.id == Response.letter_id)
        .where(
            Letter.campaign_id == campaign_id,
            Response.source == ResponseSource.RECIPIENT,
            Response.is_public.is_(True),
        )
        .order_by(Response.received_on, Response.id)
    )
    return [r for r in db.session.scalars(query) if r.id not in shown]


def reply_data(response, lang):
    """A recipient's own public response, as a timeline entry in its own words."""
    by = ", ".join(part for part in (response.responder_name, response.responder_title) if part)
    return {
        "id": f"reply-{response.id}",
        "date": localized_date(response.received_on, lang),
        "iso_date": response.received_on.isoformat(),
        "kind": "right_of_reply",
        "label": reply_label(lang),
        "title": "",
        "description": "",
        "reference": response.reference,
        "answer": response.text,
        "by": by,
        "recipient": response.recipient.name(lang) if response.recipient is not None else "",
    }


def public_timeline(campaign_id, lang):
    """The public events, and the board of the bodies the letters reached and how long each waited."""
    events = public_events(campaign_id)
    replies = public_replies(campaign_id, events)
    entries = [event_data(e, lang) for e in events] + [reply_data(r, lang) for r in replies]
    entries.sort(key=lambda entry: entry["iso_date"])  # stable: events keep their order within a day
    return entries, awaiting_board(campaign_id, lang)
