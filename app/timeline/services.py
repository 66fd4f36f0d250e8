"""Timeline events of a letter: proposed by deliveries and responses, added and accepted by staff."""

import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import NotFound, ValidationError
from app.extensions import db
from app.responses.models import StatusEvent, StatusKind
from app.signatures.updates import queue_update_for_event

log = logging.getLogger(__name__)

#: Fields staff may set on an event.
EDITABLE = (
    "kind",
    "occurred_on",
    "title_en",
    "title_ko",
    "description_en",
    "description_ko",
    "reference",
    "new_due_on",
    "is_public",
    "delivery_id",
    "response_id",
)
LIMITS = {"title_en": 200, "title_ko": 200, "reference": 100}


def _existing(letter, kind, delivery, response):
    query = sa.select(StatusEvent).where(StatusEvent.letter_id == letter.id, StatusEvent.kind == kind)
    if delivery is not None:
        query = query.where(StatusEvent.delivery_id == delivery.id)
    if response is not None:
        query = query.where(StatusEvent.response_id == response.id)
    with db.session.no_autoflush:
        return db.session.scalars(query.limit(1)).first()


def propose_event(
    letter, kind, occurred_on, delivery=None, response=None, reference="", note_en="", note_ko=""
):
    """Propose an event for staff to accept; the one already proposed for this delivery/response and
    kind is returned instead of a second. Proposals are private until accepted. Flushes."""
    kind = StatusKind(kind)
    if delivery is not None or response is not None:
        existing = _existing(letter, kind, delivery, response)
        if existing is not None:
            return existing
    event = StatusEvent(
        campaign_id=letter.campaign_id,
        letter_id=letter.id,
        delivery_id=delivery.id if delivery is not None else None,
        response_id=response.id if response is not None else None,
        kind=kind,
        occurred_on=occurred_on,
        reference=(reference or "")[:100],
        description_en=note_en or "",
        description_ko=note_ko or "",
        is_public=False,
        is_proposed=True,
    )
    db.session.add(event)
    db.session.flush()
    log.info("proposed %s for letter %s (event %s)", kind, letter.id, event.id)
    return event


def _check(data):
    errors = {}
    for name, maximum in LIMITS.items():
        if len(data.get(name) or "") > maximum:
            errors[name] = _l("At most %(n)d characters.", n=maximum)
    for name in data:
        if isinstance(data[name], str) and "\x00" in data[name]:
            errors[name] = _l("Remove the NUL characters from this text.")
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), fields=errors)


def _apply(event, data):
    _check(data)
    for name in EDITABLE:
        if name in data:
            setattr(event, name, data[name])


def _facts(event):
    return {name: _plain(getattr(event, name)) for name in (*EDITABLE, "is_public", "is_proposed")}


def _plain(value):
    """A value as the audit log's JSON keeps it."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if value is None or isinstance(value, (bool, int, float)) else str(value)


def add_event(letter, data, actor=None):
    """Staff add an event to the letter's timeline (accepted at once). Flushes."""
    event = StatusEvent(campaign_id=letter.campaign_id, letter_id=letter.id, is_proposed=False)
    event.is_public = bool(data.get("is_public", False))
    _apply(event, data)
    db.session.add(event)
    db.session.flush()
    audit.record("timeline.add", event, actor=actor, after=_facts(event))
    queue_update_for_event(event)
    log.info("added %s to letter %s (event %s)", event.kind, letter.id, event.id)
    return event


def update_event(event, data, accept=False, actor=None):
    """Staff edit an event; with `accept`, a proposal becomes an accepted event. Flushes."""
    before = _facts(event)
    _apply(event, data)
    if accept:
        event.accept()
    db.session.flush()
    changed_from, changed_to = audit.changes(before, _facts(event))
    audit.record("timeline.edit", event, actor=actor, before=changed_from, after=changed_to)
    queue_update_for_event(event)
    return event


def accept_event(event, publish=True, actor=None):
    """Accept a proposal in one click, public unless staff say otherwise. Flushes."""
    before = _facts(event)
    event.accept()
    event.is_public = publish
    db.session.flush()
    changed_from, changed_to = audit.changes(before, _facts(event))
    audit.record("timeline.accept", event, actor=actor, before=changed_from, after=changed_to)
    queue_update_for_event(event)
    return event


def event_or_not_found(event_id):
    event = db.session.get(StatusEvent, event_id)
    if event is None or event.letter_id is None:
        raise NotFound(_l("No timeline event with this id."))
    return event


def letter_events(letter, public_only=False):
    """The letter's events by date; the public sees accepted public events only."""
    query = sa.select(StatusEvent).where(StatusEvent.letter_id == letter.id)
    if public_only:
        query = query.where(StatusEvent.is_public.is_(True), StatusEvent.is_proposed.is_(False))
    return db.session.scalars(query.order_by(StatusEvent.occurred_on, StatusEvent.id)).all()


def set_response_term(owner, working_days, actor=None):
    """A letter's or a recipient's own term to answer, in working days; None: the default. Flushes."""
    before = owner.response_due_working_days
    owner.response_due_working_days = working_days or None
    db.session.flush()
    if before != owner.response_due_working_days:
        audit.record(
            "timeline.term",
            owner,
            actor=actor,
            before={"response_due_working_days": before},
            after={"response_due_working_days": owner.response_due_working_days},
        )
    log.info("answer term of %r set to %s working days", owner, working_days)
