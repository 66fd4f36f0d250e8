"""The recipient's reference number for a delivery, taken from an acknowledgement in one click."""

import logging

from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import ValidationError
from app.core.text import check_text
from app.core.timeutil import utcnow
from app.responses.models import StatusKind
from app.timeline.services import propose_event

log = logging.getLogger(__name__)

#: As long as a timeline event's reference may be.
NUMBER_MAX = 100


def proposal_notes(number):
    return f"Registered under number {number}.", f"접수번호 {number}(으)로 등록되었습니다."


def set_reference(delivery, number, actor, response=None):
    """Set the delivery's reference, audit it and propose "registered under number X". Flushes."""
    number, problem = check_text(number or "", NUMBER_MAX)
    if problem or not number:
        raise ValidationError(
            _l("This reference number cannot be used."),
            fields={"reference": problem or _l("Enter the reference number.")},
        )
    if response is not None and response.delivery_id != delivery.id:
        raise ValidationError(_l("This response does not answer this delivery."))
    before = delivery.reference
    delivery.reference = number
    audit.record(
        "delivery.reference",
        delivery,
        actor,
        reference=number,
        before=before,
        response_id=getattr(response, "id", None),
    )
    note_en, note_ko = proposal_notes(number)
    occurred_on = response.received_on if response is not None else utcnow().date()
    event = propose_event(
        delivery.letter,
        StatusKind.REGISTERED,
        occurred_on,
        delivery=delivery,
        response=response,
        reference=number,
        note_en=note_en,
        note_ko=note_ko,
    )
    if event.is_proposed:  # perhaps an earlier proposal, not accepted yet: it takes the number
        event.reference, event.description_en, event.description_ko = number, note_en, note_ko
    log.info("delivery %s registered under %r", delivery.id, number)
    return event
