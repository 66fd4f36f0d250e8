"""The first automatic reply marks its delivery acknowledged, once; the answer is still awaited."""

import logging
from datetime import UTC

import sqlalchemy as sa

from app.deliveries.models import Delivery
from app.extensions import db
from app.responses.models import StatusKind
from app.timeline.services import propose_event

log = logging.getLogger(__name__)

NOTE_EN = "The recipient's system acknowledged the letter with an automatic reply."
NOTE_KO = "수신 기관의 시스템이 자동 회신으로 서한의 수신을 확인했습니다."


def acknowledge(delivery, response, moment):
    """Set the delivery's acknowledged time and propose "acknowledged", only the first time (decided
    by the row in this transaction). True when this was the first. Flushes."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    db.session.flush()
    result = db.session.execute(
        sa.update(Delivery)
        .where(Delivery.id == delivery.id, Delivery.acknowledged_at.is_(None))
        .values(acknowledged_at=moment)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        return False
    propose_event(
        delivery.letter,
        StatusKind.ACKNOWLEDGED,
        moment.date(),
        delivery=delivery,
        response=response,
        note_en=NOTE_EN,
        note_ko=NOTE_KO,
    )
    log.info("delivery %s acknowledged by response %s", delivery.id, response.id)
    return True
