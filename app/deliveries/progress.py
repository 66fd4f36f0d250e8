"""How far a batch has come: deliveries counted by state, and how many were answered."""

import sqlalchemy as sa

from app.deliveries.models import Delivery, DeliveryStatus
from app.extensions import db
from app.responses.display import answered_delivery_ids

S = DeliveryStatus
#: States on the way: the batch is still running while one of its deliveries is in them.
UNDER_WAY = (S.QUEUED, S.SENDING)
#: States a delivery reaches and stays in unless someone acts.
SETTLED = (S.SENT, S.DELIVERED, S.FAILED, S.BOUNCED, S.CANCELLED, S.UNCONFIRMED)


def batch_counts(batch):
    """{"planned": n, ..., "answered": n, "total": n, "settled": n, "percent": p, "running": bool}."""
    rows = db.session.execute(
        sa.select(Delivery.status, sa.func.count())
        .where(Delivery.batch_id == batch.id)
        .group_by(Delivery.status)
    )
    by_state = dict.fromkeys((str(s) for s in S), 0)
    for status, count in rows:
        by_state[str(status)] = count
    answered = db.session.scalar(
        sa.select(sa.func.count(Delivery.id)).where(
            Delivery.batch_id == batch.id, Delivery.id.in_(answered_delivery_ids())
        )
    )
    total = sum(by_state.values())
    settled = sum(by_state[str(s)] for s in SETTLED)
    return {
        **by_state,
        "answered": answered or 0,
        "total": total,
        "settled": settled,
        "percent": round(100 * settled / total) if total else 0,
        "running": any(by_state[str(s)] for s in UNDER_WAY),
    }
