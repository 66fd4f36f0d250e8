"""The letter workflow: draft → in review → open → closed → delivered → archived."""

import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.auth.models import Role
from app.core import audit
from app.core.errors import Forbidden, ValidationError
from app.core.timeutil import utcnow
from app.extensions import db
from app.letters.models import LetterRevision, LetterStatus
from app.letters.services import TEXT_KEYS, freeze_version
from app.letters.validation import missing_for_opening

log = logging.getLogger(__name__)

S = LetterStatus

#: Where each state may go next.
TRANSITIONS = {
    S.DRAFT: {S.IN_REVIEW, S.ARCHIVED},
    S.IN_REVIEW: {S.DRAFT, S.OPEN},
    S.OPEN: {S.CLOSED},
    S.CLOSED: {S.OPEN, S.DELIVERED, S.ARCHIVED},
    S.DELIVERED: {S.ARCHIVED},
    S.ARCHIVED: set(),
}

STATUS_LABELS = {
    S.DRAFT: _l("draft"),
    S.IN_REVIEW: _l("in review"),
    S.OPEN: _l("open for signatures"),
    S.CLOSED: _l("closed"),
    S.DELIVERED: _l("delivered"),
    S.ARCHIVED: _l("archived"),
}


class TransitionRefused(ValidationError):
    code = "transition_refused"
    status = 409


def allowed_transitions(letter):
    return sorted(TRANSITIONS[letter.status], key=list(S).index)


def _authors(letter):
    """Everyone who wrote this letter's text: they may not approve it themselves."""
    ids = set(
        db.session.scalars(sa.select(LetterRevision.author_id).where(LetterRevision.letter_id == letter.id))
    )
    ids.add(letter.author_id)
    ids.discard(None)
    return ids


def transition(letter, to, actor):
    """Move the letter to state `to`, or raise TransitionRefused / Forbidden with the reason."""
    try:
        target = S(to)
    except ValueError:
        raise TransitionRefused(
            _l("There is no state called %(to)s.", to=to), fields={"to": _l("Unknown state.")}
        )
    if target not in TRANSITIONS[letter.status]:
        raise TransitionRefused(
            _l(
                "A letter that is %(now)s cannot become %(to)s.",
                now=STATUS_LABELS[letter.status],
                to=STATUS_LABELS[target],
            ),
            fields={"to": _l("Not allowed from here.")},
        )
    if actor is None or not actor.has_role(Role.EDITOR):
        raise Forbidden(_l("Only editors and admins change a letter's state."))
    if letter.status == S.IN_REVIEW and target == S.OPEN:
        _approve(letter, actor)
    if target == S.OPEN:
        if missing := missing_for_opening(letter):
            raise TransitionRefused(
                _l(
                    "Both languages need a title and a body before the letter opens, "
                    "unless it is single-language."
                ),
                fields=dict.fromkeys(missing, _l("Required before opening.")),
            )
        version = letter.current_version
        if version is None or _draft_differs(letter, version):
            freeze_version(letter, actor)
    previous = letter.status
    letter.status = target
    if target == S.CLOSED:
        letter.closed_at = utcnow()
    elif target == S.OPEN:
        letter.closed_at = None
    db.session.flush()
    audit.record("letter.transition", letter, actor=actor, **{"from": str(previous), "to": str(target)})
    log.info("letter %s: %s -> %s by user %s", letter.id, previous, target, actor.id)
    return letter


def _approve(letter, actor):
    if actor.id not in _authors(letter):
        audit.record("letter.approve", letter, actor=actor)
        return
    if actor.role != Role.ADMIN:
        raise Forbidden(_l("Another editor must approve this letter: you wrote part of it."))
    audit.record("letter.approve_alone", letter, actor=actor)


def _draft_differs(letter, version):
    return any(getattr(letter, key) != getattr(version, key) for key in TEXT_KEYS) or (
        letter.letter_date,
        letter.place_en,
        letter.place_ko,
    ) != (version.letter_date, version.place_en, version.place_ko)
