"""Staff decisions on signatures: approve, reject with a reason, withdraw, merge duplicates."""

import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import ValidationError
from app.core.text import clean_text, text_problem
from app.core.timeutil import utcnow
from app.extensions import db
from app.signatures.labels import STATUS_LABELS
from app.signatures.models import SignatureStatus

log = logging.getLogger(__name__)

S = SignatureStatus

#: What staff may turn a signature into, from which states.
STAFF_TRANSITIONS = {
    S.APPROVED: {S.HELD, S.CONFIRMED, S.REJECTED},
    S.REJECTED: {S.PENDING, S.HELD, S.CONFIRMED, S.APPROVED},
    S.WITHDRAWN: {S.PENDING, S.HELD, S.CONFIRMED, S.APPROVED},
}


class SignatureTransitionRefused(ValidationError):
    code = "transition_refused"
    status = 409


def decide(signature, to, actor, reason=""):
    """Apply a staff decision, or raise SignatureTransitionRefused saying why not."""
    changes = check_decision(signature, to, reason)
    target = changes["status"]
    if target == S.APPROVED:
        changes["approved_at"] = utcnow()
    if target == S.WITHDRAWN:
        changes["withdrawn_at"] = utcnow()
    previous = signature.status
    _apply(signature, changes)
    audit.record("signature.decide", signature, actor=actor, **{"from": str(previous), "to": str(target)})
    return signature


def check_decision(signature, to, reason=""):
    """The columns a staff decision would write, or the error saying why it may not be taken."""
    try:
        target = S(to)
    except ValueError:
        target = None
    if target not in STAFF_TRANSITIONS:
        raise SignatureTransitionRefused(
            _l("Staff can approve, reject or withdraw a signature."), fields={"to": _l("Not allowed.")}
        )
    if signature.status not in STAFF_TRANSITIONS[target]:
        raise SignatureTransitionRefused(
            _l(
                "A signature in “%(now)s” cannot become “%(to)s”.",
                now=STATUS_LABELS[signature.status],
                to=STATUS_LABELS[target],
            ),
            fields={"to": _l("Not allowed from here.")},
        )
    if target == S.APPROVED and signature.confirmed_at is None:
        raise SignatureTransitionRefused(
            _l("The email address of this signature was never confirmed, so it cannot be approved."),
            fields={"to": _l("Not confirmed.")},
        )
    reason = clean_text(reason or "")
    changes = {"status": target}
    if target == S.REJECTED:
        if not reason:
            raise ValidationError(_l("Give a reason for the rejection."), fields={"reason": _l("Required.")})
        if problem := text_problem(reason, 500):
            raise ValidationError(problem, fields={"reason": problem})
        changes["rejection_reason"] = reason
    return changes


def _apply(signature, changes):
    """Write a decision in a savepoint: a second standing signature of one email is refused."""
    try:
        with db.session.begin_nested():
            for name, value in changes.items():
                setattr(signature, name, value)
    except sa.exc.IntegrityError:
        db.session.refresh(signature)
        raise SignatureTransitionRefused(
            _l(
                "Signature #%(id)d cannot stand: the same email address has another standing signature"
                " on this letter. Merge the two instead.",
                id=signature.id,
            )
        ) from None


def merge(duplicate, keep, actor):
    """Fold a duplicate into the signature that stays: one counted signature remains."""
    if duplicate.id == keep.id or duplicate.letter_id != keep.letter_id:
        raise ValidationError(_l("Choose two different signatures of the same letter."))
    if keep.status in (S.WITHDRAWN, S.REJECTED, S.EXPIRED, S.MERGED):
        raise ValidationError(_l("The signature to keep must still stand."))
    if keep.status in (S.PENDING, S.HELD) and duplicate.status in (S.CONFIRMED, S.APPROVED):
        if keep.confirmed_at is None:
            # Taking the other's standing would publish a sign-on nobody confirmed.
            raise ValidationError(
                _l("The signature to keep was never confirmed by email: merge it into the other one instead.")
            )
        keep.status, keep.approved_at = duplicate.status, duplicate.approved_at
    duplicate.status = S.MERGED
    duplicate.merged_into_id = keep.id
    db.session.flush()
    audit.record("signature.merge", duplicate, actor=actor, into=keep.id)
    return keep
