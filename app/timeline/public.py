"""The public side of the timeline: accepted public events and the board of answers awaited, as plain data."""

import sqlalchemy as sa

from app.core.i18n import localized_date
from app.extensions import db
from app.responses.models import StatusEvent
from app.timeline.board import awaiting_board
from app.timeline.labels import kind_label


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
        # A recipient is named only on an event staff published.
        "recipient": recipient.name(lang) if recipient is not None else "",
    }


def public_timeline(campaign_id, lang):
    """The public events, and the board of the bodies the letters reached and how long each waited."""
    events = public_events(campaign_id)
    return [event_data(e, lang) for e in events], awaiting_board(campaign_id, lang)
