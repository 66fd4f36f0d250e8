"""Records of the channels staff carry out themselves: post and courier, fax, hand, web portal, partner.

Each record checks everything first, then changes the delivery, moves it through the state machine
(app.deliveries.states, which writes the history with the person who entered it) and stores its
proof file; it flushes and never commits.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l

from app.core.errors import ValidationError
from app.core.text import clean_text, text_problem
from app.core.timeutil import as_utc, utcnow
from app.deliveries.labels import DELIVERY_STATUS_LABELS
from app.deliveries.models import Channel, DeliveryStatus, ProofKind
from app.deliveries.proofs import store_proof
from app.deliveries.states import TransitionRefused, can_move
from app.extensions import db

log = logging.getLogger(__name__)

S = DeliveryStatus
POSTAL = (Channel.POST, Channel.COURIER)


@dataclass(frozen=True)
class Record:
    """One kind of record: its channels, the state it leads to, what it needs and keeps."""

    channels: tuple
    to: DeliveryStatus
    #: Form field -> (column, longest length, required).
    texts: dict
    #: The column the record's date goes to.
    day_column: str
    proof_kind: ProofKind
    needs_proof: bool = False
    #: States it may be entered in, when fewer than the state machine allows.
    only_from: tuple = ()


RECORDS = {
    "dispatch": Record(
        POSTAL,
        S.SENT,
        {
            "carrier": ("carrier", 100, True),
            "tracking_number": ("tracking_number", 100, False),
            "cost": ("cost", 40, False),
        },
        "dispatched_at",
        ProofKind.RECEIPT,
    ),
    "delivery": Record(
        POSTAL,
        S.DELIVERED,
        {"received_by": ("received_by", 200, False)},
        "delivered_at",
        ProofKind.RECEIPT,
        only_from=(S.SENT,),
    ),
    "fax": Record(
        (Channel.FAX,),
        S.DELIVERED,
        {"fax_number": ("destination", 40, True)},
        "delivered_at",
        ProofKind.TRANSMISSION_REPORT,
        needs_proof=True,
    ),
    "hand": Record(
        (Channel.HAND,),
        S.DELIVERED,
        {"delivered_by": ("delivered_by", 200, True), "received_by": ("received_by", 200, True)},
        "delivered_at",
        ProofKind.RECEIPT,
    ),
    "portal": Record(
        (Channel.PORTAL,),
        S.DELIVERED,
        {"reference": ("reference", 200, True)},
        "delivered_at",
        ProofKind.RECEIPT,
    ),
    "partner": Record(
        (Channel.PARTNER,),
        S.DELIVERED,
        {
            "partner_name": ("partner_name", 200, True),
            "delivered_by": ("delivered_by", 200, False),
            "received_by": ("received_by", 200, False),
        },
        "delivered_at",
        ProofKind.PARTNER_RECORD,
    ),
}
#: Columns that say how to reach someone or who they are: shown to editors only, kept out of the history.
CONTACT_COLUMNS = ("destination", "received_by", "delivered_by")


def may_record(delivery, name):
    """Whether record `name` fits the delivery's channel and its state allows it now."""
    record = RECORDS[name]
    if delivery.channel not in record.channels or not can_move(delivery, record.to):
        return False
    return not record.only_from or delivery.status in record.only_from


def records_allowed(delivery):
    return [name for name in RECORDS if may_record(delivery, name)]


def _ensure_allowed(delivery, name):
    if delivery.channel not in RECORDS[name].channels:
        raise TransitionRefused(_l("This record does not belong to this delivery's channel."))
    if not may_record(delivery, name):
        raise TransitionRefused(
            _l(
                "This delivery cannot take this record in its current state: %(state)s.",
                state=str(DELIVERY_STATUS_LABELS[delivery.status]),
            )
        )


def _day(data, delivery, record, fields):
    day = data.get("day")
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day.strip())
        except ValueError:
            fields["day"] = _l("Enter a date as YYYY-MM-DD.")
            return None
    if not isinstance(day, date):
        fields["day"] = _l("Enter the date.")
        return None
    if day > utcnow().date():
        fields["day"] = _l("The date lies in the future.")
    dispatched = as_utc(delivery.dispatched_at)
    if record.to is S.DELIVERED and dispatched is not None and day < dispatched.date():
        fields["day"] = _l("The date lies before the letter was dispatched.")
    return datetime.combine(day, time(), UTC)


def _texts(data, record, fields):
    values = {}
    for key, (column, limit, required) in record.texts.items():
        value = " ".join(clean_text(data.get(key) or "").split())
        if problem := text_problem(value, limit, one_line=True):
            fields[key] = problem
        elif required and not value:
            fields[key] = _l("Required.")
        values[column] = value
    return values


def _detail(name, values, day):
    """The history's line: the record's date and its data, without contact data."""
    shown = [
        f"{column}: {value}" for column, value in values.items() if value and column not in CONTACT_COLUMNS
    ]
    return "; ".join([f"{name} record", f"date: {day.date().isoformat()}", *shown])


def enter_record(delivery, name, data, actor, proof=None):
    """Enter record `name` from `data` (its fields and "day"), with a CheckedProof if given.

    TransitionRefused when the channel or state does not allow it, ValidationError naming the bad
    fields; either way nothing is changed or stored.
    """
    record = RECORDS[name]
    _ensure_allowed(delivery, name)
    fields = {}
    values = _texts(data, record, fields)
    day = _day(data, delivery, record, fields)
    if record.needs_proof and proof is None:
        fields["proof"] = _l("Attach the transmission report.")
    if fields:
        raise ValidationError(_l("Some fields need attention."), fields=fields)
    for column, value in values.items():
        setattr(delivery, column, value)
    setattr(delivery, record.day_column, day)
    if record.to is S.SENT:
        delivery.sent_at = day
    delivery.move_to(record.to, actor=actor, detail=_detail(name, values, day))
    if proof is not None:
        store_proof(delivery, proof, record.proof_kind, actor)
    db.session.flush()
    log.info("delivery %s: %s record entered", delivery.id, name)
    return delivery
