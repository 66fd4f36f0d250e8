"""What a campaign's staff page shows: signatures, sign-ons over time, letters, deliveries, answers."""

import sqlalchemy as sa

from app.campaigns.charts import bar_chart, sign_on_series
from app.core.attention import holding_pen_count
from app.core.timeutil import utcnow
from app.deliveries.models import Delivery, DeliveryBatch, DeliveryStatus
from app.extensions import db
from app.signatures.labels import NEEDS_YOU
from app.signatures.models import Signatory, SignatoryKind, Signature, SignatureStatus
from app.timeline.overview import awaiting_answers

#: Sign-ons counted in the chart: the ones a person made, not duplicates folded away.
CHARTED = tuple(s for s in SignatureStatus if s != SignatureStatus.MERGED)
#: Batches listed, the latest first.
BATCHES_SHOWN = 10


def signature_table(letter_ids):
    """{letter id: {"by_state": {state: n}, "by_kind": {kind: {state: n}}, "needs_you": n, "held": n}}."""
    rows = db.session.execute(
        sa.select(Signature.letter_id, Signatory.kind, Signature.status, sa.func.count())
        .join(Signatory, Signatory.id == Signature.signatory_id)
        .where(Signature.letter_id.in_(letter_ids))
        .group_by(Signature.letter_id, Signatory.kind, Signature.status)
    )
    table = {
        letter_id: {
            "by_state": dict.fromkeys(SignatureStatus, 0),
            "by_kind": {kind: dict.fromkeys(SignatureStatus, 0) for kind in SignatoryKind},
        }
        for letter_id in letter_ids
    }
    for letter_id, kind, status, count in rows:
        table[letter_id]["by_state"][status] += count
        table[letter_id]["by_kind"][kind][status] += count
    for counts in table.values():
        counts["needs_you"] = sum(counts["by_state"][s] for s in NEEDS_YOU)
        counts["held"] = counts["by_state"][SignatureStatus.HELD]
    return table


def sign_on_chart(letter_ids, today=None):
    days = db.session.scalars(
        sa.select(Signature.created_at).where(
            Signature.letter_id.in_(letter_ids), Signature.status.in_(CHARTED)
        )
    ).all()
    today = today or utcnow().date()
    return bar_chart(sign_on_series([moment.date() for moment in days], today))


def delivery_counts(letter_ids):
    """{state: number of the campaign's deliveries in it}, every state present."""
    rows = db.session.execute(
        sa.select(Delivery.status, sa.func.count())
        .where(Delivery.letter_id.in_(letter_ids))
        .group_by(Delivery.status)
    )
    counts = dict.fromkeys(DeliveryStatus, 0)
    counts.update(dict(rows.all()))
    return counts


def batches(letter_ids):
    return db.session.scalars(
        sa.select(DeliveryBatch)
        .where(DeliveryBatch.letter_id.in_(letter_ids))
        .order_by(DeliveryBatch.id.desc())
        .limit(BATCHES_SHOWN)
    ).all()


def answers(letter_ids):
    """The campaign's deliveries awaiting an answer, overdue ones first, and how many are overdue."""
    rows = [row for row in awaiting_answers() if row["delivery"].letter_id in letter_ids]
    return rows, sum(1 for row in rows if row["clock"]["state"] != "awaiting")


def campaign_dashboard(campaign):
    letter_ids = [letter.id for letter in campaign.letters]
    awaited, overdue = answers(set(letter_ids))
    return {
        "signatures": signature_table(letter_ids),
        "chart": sign_on_chart(letter_ids),
        "deliveries": delivery_counts(letter_ids),
        "batches": batches(letter_ids),
        "awaited": awaited,
        "overdue": overdue,
        "held_messages": holding_pen_count(),
    }
