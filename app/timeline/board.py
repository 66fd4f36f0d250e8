"""The public board of answers awaited: each body a published letter reached, how long it has waited.

A body is named only once staff published an event of its delivery (as on the public timeline);
no contact data is shown. The waiting is counted by the response clock, and the board says how.
"""

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core.i18n import localized_date
from app.deliveries.models import Delivery, DeliveryStatus
from app.extensions import db
from app.letters.models import PUBLIC_LETTER_STATUSES, Letter
from app.responses.display import public_attachments, responses_to
from app.responses.labels import CLASSIFICATION_LABELS
from app.responses.models import StatusEvent
from app.timeline.deadlines import holidays_between, response_clock
from app.timeline.labels import STATE_LABELS

#: Only a letter that was sent or delivered reached its body; a bounce or a plan did not.
REACHED_BODY = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED)
_ORDER = {"long_overdue": 0, "overdue": 1, "awaiting": 2, "stopped": 3}


def _pick(en, ko, lang):
    return (ko or en) if lang == "ko" else (en or ko)


def _published_deliveries(campaign_id):
    """Reached, first (not chaser) deliveries of the campaign's public letters with a published event."""
    published = sa.select(StatusEvent.delivery_id).where(
        StatusEvent.campaign_id == campaign_id,
        StatusEvent.is_public.is_(True),
        StatusEvent.is_proposed.is_(False),
        StatusEvent.delivery_id.is_not(None),
    )
    return db.session.scalars(
        sa.select(Delivery)
        .join(Letter, Letter.id == Delivery.letter_id)
        .where(
            Letter.campaign_id == campaign_id,
            Letter.status.in_(PUBLIC_LETTER_STATUSES),
            Delivery.status.in_(REACHED_BODY),
            Delivery.chaser_of_id.is_(None),
            Delivery.id.in_(published),
        )
        .order_by(Delivery.id)
    ).all()


def _statements(delivery, lang):
    """The body's own words: the public responses that answer the delivery, oldest first."""
    rows = []
    for response in responses_to(delivery):
        if not response.is_public:
            continue
        files = [
            {
                "name": a.filename,
                "url": url_for("responses.public_file", response_id=response.id, attachment_id=a.id),
            }
            for a in public_attachments(response)
        ]
        with force_locale(lang):
            label = _(str(CLASSIFICATION_LABELS[response.classification]))
        summary = _pick(response.summary_en, response.summary_ko, lang)
        rows.append(
            {
                "date": localized_date(response.received_on, lang),
                "label": label,
                "summary": summary,
                "files": files,
            }
        )
    return rows


def board_row(delivery, lang, today=None):
    """Plain data for one body on the board, or None when its clock has not started."""
    clock = response_clock(delivery, today)
    if clock["state"] == "not_started":
        return None
    until = clock["stopped_on"] or clock["today"]
    reached = delivery.delivered_at or delivery.sent_at
    with force_locale(lang):
        state_label = _(str(STATE_LABELS[clock["state"]]))
    holidays = holidays_between(clock["started_on"], until, clock["country"], lang)
    return {
        "recipient": delivery.recipient.name(lang),
        "letter": _pick(delivery.letter.title_en, delivery.letter.title_ko, lang),
        "reached_on": localized_date(reached.date(), lang),
        "started_on": localized_date(clock["started_on"], lang),
        "counted_to": localized_date(until, lang),
        "waited": clock["waited"],
        "paused": clock["paused"],
        "term": clock["working_days"],
        "due_on": localized_date(clock["due_on"], lang),
        "holidays": [{"date": localized_date(day, lang), "name": name} for day, name in holidays],
        "holidays_text": ", ".join(f"{name} ({localized_date(day, lang)})" for day, name in holidays),
        "state": clock["state"],
        "state_label": state_label,
        "statements": _statements(delivery, lang),
    }


def awaiting_board(campaign_id, lang, today=None):
    """Every body on the board, those waiting longest first; the ones that answered last."""
    rows = [board_row(d, lang, today) for d in _published_deliveries(campaign_id)]
    rows = [row for row in rows if row is not None]
    rows.sort(key=lambda row: (_ORDER[row["state"]], -row["waited"]))
    return rows
