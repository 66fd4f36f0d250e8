"""Deliveries awaiting an answer, with how long each has waited in working days, overdue ones first."""

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.deliveries.models import Delivery
from app.deliveries.states import REACHED
from app.extensions import db
from app.responses.display import answered_delivery_ids
from app.timeline.deadlines import response_clock

_ORDER = {"long_overdue": 0, "overdue": 1, "awaiting": 2}


def awaiting_answers(today=None):
    """[{"delivery", "clock"}] for every delivery that reached its recipient and has no response yet
    (a reply to one of its chasers answers it too; an automatic reply answers nothing)."""
    chaser = aliased(Delivery)
    answered = sa.or_(
        Delivery.id.in_(answered_delivery_ids()),
        sa.select(chaser.id)
        .where(chaser.chaser_of_id == Delivery.id, chaser.id.in_(answered_delivery_ids()))
        .exists(),
    )
    deliveries = db.session.scalars(
        sa.select(Delivery)
        .where(Delivery.status.in_(REACHED), Delivery.chaser_of_id.is_(None), ~answered)
        .order_by(Delivery.id)
    ).all()
    rows = []
    for delivery in deliveries:
        clock = response_clock(delivery, today)
        if clock["state"] in _ORDER:
            rows.append({"delivery": delivery, "clock": clock})
    rows.sort(key=lambda r: (_ORDER[r["clock"]["state"]], -r["clock"]["waited"], r["delivery"].id))
    return rows


def overdue_answers(today=None):
    return [r for r in awaiting_answers(today) if r["clock"]["state"] != "awaiting"]
