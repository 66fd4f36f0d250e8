"""What a partner reports through its link (dates, names, receipt, a note), and staff's acceptance of it.

A report changes nothing of the delivery until staff accept it; it keeps the partner's own words,
its receipt as a proof marked as the partner's, and proposes its timeline events at once.
"""

import logging
from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l

from app.core.errors import Conflict, ValidationError
from app.core.text import check_text
from app.core.timeutil import utcnow
from app.deliveries.models import ActorKind, DeliveryEvent, DeliveryStatus, ProofKind
from app.deliveries.partner_models import PartnerReport
from app.deliveries.proofs import store_proof
from app.deliveries.states import TransitionRefused, can_move
from app.extensions import db
from app.responses.models import StatusKind
from app.timeline.services import propose_event

log = logging.getLogger(__name__)
S = DeliveryStatus
NOTE_MAX = 2000


def _day(data, key, fields):
    raw = (data.get(key) or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        fields[key] = _l("Enter a date as YYYY-MM-DD.")
        return None
    if day > utcnow().date():
        fields[key] = _l("The date lies in the future.")
    return day


def _texts(data, fields):
    values = {}
    for key, limit, multiline in (
        ("received_by", 200, False),
        ("delivered_by", 200, False),
        ("note", NOTE_MAX, True),
    ):
        values[key], problem = check_text(data.get(key) or "", limit, multiline=multiline)
        if problem:
            fields[key] = problem
    return values


def check_report(data, has_file):
    """The report's fields, cleaned; ValidationError naming each refused one, or when all are empty."""
    fields = {}
    values = {
        "dispatched_on": _day(data, "dispatched_on", fields),
        "delivered_on": _day(data, "delivered_on", fields),
    }
    values.update(_texts(data, fields))
    sent, arrived = values["dispatched_on"], values["delivered_on"]
    if sent and arrived and arrived < sent:
        fields["delivered_on"] = _l("The date lies before the letter was dispatched.")
    if not fields and not has_file and not any(values.values()):
        raise ValidationError(_l("Enter a date, a name or a note, or upload the receipt."))
    if fields:
        raise ValidationError(_l("Some fields need attention; nothing was saved."), fields=fields)
    return values


def _propose(delivery, report, lang):
    letter = delivery.letter
    if report.delivered_on:
        propose_event(letter, StatusKind.DELIVERED, report.delivered_on, delivery=delivery)
    if report.note:
        # Each note its own proposal: propose_event would give back the delivery's earlier one.
        note = {"note_ko" if lang == "ko" else "note_en": report.note}
        event = propose_event(letter, StatusKind.OTHER, report.created_at.date(), **note)
        event.delivery_id = delivery.id


def _history(delivery, detail, actor=None):
    delivery.events.append(
        DeliveryEvent(
            from_status=delivery.status,
            to_status=delivery.status,
            actor_id=getattr(actor, "id", None),
            actor_kind=ActorKind.PARTNER,
            attempt=delivery.attempts or 0,
            detail=detail,
            created_at=utcnow(),
        )
    )


def record_report(link, data, proof=None, lang="en"):
    """The partner's report through `link`, with a CheckedProof if given (flushed); nothing half-written."""
    delivery = link.delivery
    values = check_report(data, proof is not None)
    report = PartnerReport(
        delivery_id=delivery.id, link_id=link.id, partner_name=delivery.partner_name, **values
    )
    report.created_at = utcnow()
    if proof is not None:
        stored = store_proof(
            delivery,
            proof,
            ProofKind.PARTNER_RECORD,
            None,
            note=values["note"][:200],
            actor_kind=ActorKind.PARTNER,
        )
        report.proof = stored
    db.session.add(report)
    db.session.flush()
    _history(delivery, f"report {report.id} entered by the partner {delivery.partner_name}, awaiting review")
    _propose(delivery, report, lang)
    db.session.flush()
    log.info("delivery %s: partner report %s", delivery.id, report.id)
    return report


def _moment(day):
    return datetime.combine(day, time(), UTC)


def _apply_dispatch(delivery, report, actor, detail):
    delivery.dispatched_at = _moment(report.dispatched_on)
    delivery.sent_at = delivery.sent_at or delivery.dispatched_at
    if delivery.status == S.QUEUED:
        delivery.move_to(S.SENT, actor=actor, detail=detail, actor_kind=ActorKind.PARTNER)


def _apply_delivery(delivery, report, actor, detail):
    if delivery.status != S.DELIVERED and not can_move(delivery, S.DELIVERED):
        raise TransitionRefused(_l("This delivery can no longer become delivered; nothing was changed."))
    delivery.delivered_at = _moment(report.delivered_on)
    delivery.sent_at = delivery.sent_at or delivery.delivered_at
    if delivery.status != S.DELIVERED:
        delivery.move_to(S.DELIVERED, actor=actor, detail=detail, actor_kind=ActorKind.PARTNER)


def accept_report(report, actor):
    """Staff take the partner's report into the delivery's records (flushed)."""
    if report.is_reviewed:
        raise Conflict(_l("This report is accepted already."))
    delivery = report.delivery
    detail = f"report {report.id} entered by the partner {report.partner_name}, accepted by staff"
    if report.dispatched_on:
        _apply_dispatch(delivery, report, actor, detail)
    if report.delivered_on:
        _apply_delivery(delivery, report, actor, detail)
    for column in ("received_by", "delivered_by"):
        if getattr(report, column):
            setattr(delivery, column, getattr(report, column))
    if report.note:
        _history(delivery, f"{detail}; the partner's note: {report.note}", actor)
    report.reviewed_at = utcnow()
    report.reviewed_by_id = getattr(actor, "id", None)
    db.session.flush()
    return report
