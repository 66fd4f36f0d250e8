"""Sign-on services: sign, confirm, withdraw, and the staff decisions on a signature."""

import functools
import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from app.core import audit
from app.core.errors import ValidationError
from app.core.timeutil import utcnow
from app.extensions import db
from app.letters.models import LetterStatus
from app.signatures.models import (
    STANDING,
    Signatory,
    SignatoryKind,
    Signature,
    SignatureSource,
    SignatureStatus,
)
from app.signatures.normalize import email_key, name_keys, stored_name_key

log = logging.getLogger(__name__)

S = SignatureStatus
#: Why a public sign-on repeating an organization's name waits for staff once confirmed.
SAME_NAME = "same_name"


class SignOnResult:
    """What happened to a sign-on; the page says the same thing in every case."""

    def __init__(self, signature, outcome):
        self.signature = signature
        #: "created", "held", "bot", "same_name" (waits for staff as a possible duplicate once
        #: confirmed), "duplicate" or "held_duplicate" (a duplicate caught by a check)
        self.outcome = outcome


def _standing():
    return (
        sa.select(Signature)
        .join(Signatory)
        .where(Signature.letter_id == sa.bindparam("letter_id"), Signature.status.in_(STANDING))
    )


@functools.cache
def _standing_by_email():
    """The standing signatures on :letter_id of the person with :email_key.

    That person's signatures are read first, in a materialized CTE: joined the other way round,
    as PostgreSQL chose whenever its statistics were missing or stale (a letter that has just
    gone viral), every sign-on walked all the letter's signatures. Built once, at first use (the
    mappers are configured by then): composing the query cost more than running it.
    """
    mine = (
        sa.select(Signature)
        .join(Signatory)
        .where(Signatory.email_key == sa.bindparam("email_key"))
        .cte("mine")
        .prefix_with("MATERIALIZED")
    )
    signature = aliased(Signature, mine)
    return sa.select(signature).where(
        signature.letter_id == sa.bindparam("letter_id"), signature.status.in_(STANDING)
    )


#: What identifies an individual without an email address.
PERSON_FIELDS = ("name_en", "name_ko", "line_en", "line_ko", "country")


def same_person(letter, cleaned):
    """The standing signature of `letter` by the same email address (normalized), or None.

    Without an email, an individual is the same as one with the same name, line and country and
    no email either: what a paper list imported twice looks like.
    """
    if cleaned["email"]:
        params = {"letter_id": letter.id, "email_key": email_key(cleaned["email"])}
        return db.session.scalar(_standing_by_email(), params)
    if cleaned["kind"] != SignatoryKind.INDIVIDUAL:
        return None
    query = _standing().where(
        Signatory.kind == SignatoryKind.INDIVIDUAL,
        Signatory.email == "",
        *(getattr(Signatory, name) == cleaned.get(name, "") for name in PERSON_FIELDS),
    )
    return db.session.scalar(query.order_by(Signature.id), {"letter_id": letter.id})


def same_organization(letter, cleaned):
    """The standing signature of `letter` by an organization of the same name (either language), or None."""
    keys = name_keys(cleaned["name_en"], cleaned["name_ko"])
    if cleaned["kind"] != SignatoryKind.ORGANIZATION or not keys:
        return None
    matches = [Signatory.name_key.contains(f"|{key}|", autoescape=True) for key in keys]
    query = _standing().where(Signatory.kind == SignatoryKind.ORGANIZATION, sa.or_(*matches))
    return db.session.scalar(query.order_by(Signature.id), {"letter_id": letter.id})


def duplicate_of(letter, cleaned):
    """The standing signature of `letter` by the same person (email) or organization (name), or None."""
    return same_person(letter, cleaned) or same_organization(letter, cleaned)


def ensure_open(letter):
    if letter.status != LetterStatus.OPEN or letter.current_version is None:
        raise ValidationError(_l("This letter is not open for signatures."), code="letter_not_open")


def new_signatory(cleaned, language, logo_path=None):
    return Signatory(
        **cleaned,
        email_key=email_key(cleaned.get("email", "")),
        name_key=stored_name_key(cleaned.get("name_en", ""), cleaned.get("name_ko", ""))
        if cleaned["kind"] == SignatoryKind.ORGANIZATION
        else "",
        logo_path=logo_path,
        language=language,
    )


def _insert(letter, cleaned, signature):
    """Add a new signature in a savepoint; the same person's standing signature if that failed.

    The unique index catches what the duplicate check cannot see: a sign-on by the same email
    address committed a moment ago, by a request running at the same time.
    """
    try:
        with db.session.begin_nested():
            db.session.add(signature)
    except sa.exc.IntegrityError:
        existing = same_person(letter, cleaned)
        if existing is None:
            raise
        log.info("concurrent sign-on for letter %s matches signature %s", letter.id, existing.id)
        return existing
    return None


def sign_on(letter, cleaned, language, hashed_ip, hold_reason="", logo_path=None):
    """Record a public sign-on. A duplicate adds nothing; a held one waits for staff.

    Only the same email address counts as the same signer. An organization name that has signed
    already (in any state, listed or not) is not said to have: the sign-on is taken as any other,
    and waits for staff as a possible duplicate once its email is confirmed.
    """
    ensure_open(letter)
    existing = same_person(letter, cleaned)
    if existing is None:
        same_name = same_organization(letter, cleaned)
        signature = Signature(
            signatory=new_signatory(cleaned, language, logo_path),
            letter_id=letter.id,
            version_id=letter.current_version.id,
            status=S.HELD if hold_reason else S.PENDING,
            hold_reason=hold_reason or (SAME_NAME if same_name is not None else ""),
            possible_duplicate_of_id=same_name.id if same_name is not None else None,
            source=SignatureSource.FORM,
            ip_hash=hashed_ip,
        )
        existing = _insert(letter, cleaned, signature)
        if existing is None:
            return SignOnResult(signature, _outcome(signature))
    log.info("duplicate sign-on for letter %s matches signature %s", letter.id, existing.id)
    # No email on a held one: a bot, or a burst sending a signer's address again and again,
    # must not make us mail the signer.
    return SignOnResult(existing, "held_duplicate" if hold_reason else "duplicate")


def _outcome(signature):
    if signature.hold_reason in ("honeypot", "too_fast"):
        return "bot"
    if signature.status == S.HELD:
        return "held"
    return signature.hold_reason or "created"


def add_by_staff(letter, cleaned, actor, source=SignatureSource.STAFF, language="en"):
    """A signature collected elsewhere (email, paper, import): approved at once, unless a duplicate."""
    ensure_open(letter)
    already = _l("This signatory has already signed this letter.")
    if duplicate_of(letter, cleaned) is not None:
        raise ValidationError(already, code="duplicate")
    now = utcnow()
    signature = Signature(
        signatory=new_signatory(cleaned, language),
        letter_id=letter.id,
        version_id=letter.current_version.id,
        status=S.APPROVED,
        source=source,
        confirmed_at=now,
        approved_at=now,
    )
    if _insert(letter, cleaned, signature) is not None:
        raise ValidationError(already, code="duplicate")
    kind = "staff" if actor is not None else "public"
    audit.record("signature.add", signature, actor=actor, kind=kind, source=str(source))
    return signature


def confirm(signature):
    """The signer clicked the link. Returns False when there was nothing to confirm.

    A sign-on with a hold reason (a possible duplicate) then waits for staff, as a held one.
    """
    if signature.confirmed_at is not None or signature.status not in (S.PENDING, S.HELD):
        return False
    signature.confirmed_at = utcnow()
    if signature.status == S.PENDING:
        signature.status = S.HELD if signature.hold_reason else S.CONFIRMED
    db.session.flush()
    return True


def withdraw(signature):
    """The signer takes their signature back. Returns False when it was already withdrawn."""
    if signature.status in (S.WITHDRAWN, S.REJECTED, S.EXPIRED, S.MERGED):
        return False
    signature.status = S.WITHDRAWN
    signature.withdrawn_at = utcnow()
    audit.record("signature.withdraw", signature, kind="public")
    db.session.flush()
    return True


def set_positions(letter, positions, actor):
    """Staff order the public list: {signature id: position or None}; other letters' ids are ignored."""
    signatures = db.session.scalars(
        sa.select(Signature).where(Signature.letter_id == letter.id, Signature.id.in_(list(positions)))
    ).all()
    changed = [s for s in signatures if s.position != positions[s.id]]
    for signature in changed:
        signature.position = positions[signature.id]
    db.session.flush()
    if changed:
        audit.record("signature.positions", letter, actor=actor, changed=len(changed))
    return len(changed)
