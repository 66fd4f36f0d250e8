"""The letter workflow: draft → in review → open → closed → delivered → archived.

Opening a letter, and later publishing changes to an open one as a new version, both need
the approval of an editor who did not write the text approved; an admin may approve alone
(recorded in the audit log as letter.approve_alone).
"""

import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.auth.models import Role
from app.auth.permissions import can
from app.core import audit
from app.core.errors import Forbidden, ValidationError
from app.core.timeutil import utcnow
from app.extensions import db
from app.letters.models import LetterRevision, LetterStatus
from app.letters.services import check_lock_version, freeze_version, has_unapproved_changes
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


def _authors(letter, since=None):
    """Everyone who wrote this letter's text (after revision `since`): they may not approve it."""
    query = sa.select(LetterRevision.author_id).where(LetterRevision.letter_id == letter.id)
    if since is not None:
        query = query.where(LetterRevision.number > since)
    ids = set(db.session.scalars(query))
    if since is None:
        ids.add(letter.author_id)
    ids.discard(None)
    return ids


def transition(letter, to, actor, lock_version=None):
    """Move the letter to state `to`, or raise TransitionRefused / Forbidden with the reason.

    With `lock_version` (the staff pages send it), a letter saved since the actor loaded it is
    an EditConflict: an approver opens the text they read, not a later one.
    """
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
    if not can(actor, "edit", letter.campaign_id):
        raise Forbidden(_l("Only editors and admins change a letter's state."))
    if lock_version not in (None, ""):
        check_lock_version(letter, lock_version)
    version = letter.current_version
    # Reopening a closed letter prints its current version again; changes saved before it was
    # closed still wait for approval (approve_changes).
    freezes = target == S.OPEN and (version is None or letter.status == S.IN_REVIEW)
    if freezes:
        _approve(letter, actor)
    if target == S.OPEN:
        _require_opening_parts(letter)
    if freezes and (version is None or has_unapproved_changes(letter)):
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


def _require_opening_parts(letter):
    if missing := missing_for_opening(letter):
        raise TransitionRefused(
            _l(
                "Both languages need a title and a body before the letter opens, "
                "unless it is single-language."
            ),
            fields=dict.fromkeys(missing, _l("Required before opening.")),
        )


def _approve(letter, actor, since=None, refusal=None, **details):
    if actor.id not in _authors(letter, since):
        audit.record("letter.approve", letter, actor=actor, **details)
        return
    if actor.role != Role.ADMIN:
        raise Forbidden(refusal or _l("Another editor must approve this letter: you wrote part of it."))
    audit.record("letter.approve_alone", letter, actor=actor, **details)


def approve_changes(letter, actor, lock_version=None):
    """Publish an open letter's saved changes as its new version, approved by `actor`.

    `lock_version` is the number of the draft the approver reviewed: a save since is a conflict.
    Signatures stay on the version they were given for (app.letters.reconfirm asks again).
    """
    if not can(actor, "edit", letter.campaign_id):
        raise Forbidden(_l("Only editors and admins approve a new version."))
    if letter.status != S.OPEN or letter.current_version is None:
        raise TransitionRefused(_l("Only an open letter has changes to publish as a new version."))
    check_lock_version(letter, lock_version)
    if not has_unapproved_changes(letter):
        raise TransitionRefused(_l("There are no changes waiting for approval."), code="no_changes")
    _require_opening_parts(letter)
    since = letter.current_version.revision_number
    number = letter.current_version.number + 1
    refusal = _l("Another editor must approve these changes: you made some of them.")
    _approve(letter, actor, since=since, refusal=refusal, version=number)
    version = freeze_version(letter, actor)
    log.info("letter %s: version %s approved by user %s", letter.id, version.number, actor.id)
    return version
