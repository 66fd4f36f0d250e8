"""Letter services: create, save the draft (each save a revision), restore, freeze a version."""

import hashlib
import json
import logging
import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import Conflict, ValidationError
from app.extensions import db
from app.letters.models import (
    TEXT_PARTS,
    Letter,
    LetterRecipient,
    LetterRevision,
    LetterStatus,
    LetterVersion,
)
from app.letters.validation import clean_letter_input, missing_for_opening
from app.recipients.models import Recipient

log = logging.getLogger(__name__)

TEXT_KEYS = tuple(f"{part}_{lang}" for part in TEXT_PARTS for lang in ("en", "ko"))


class EditConflict(Conflict):
    """Someone saved the letter after this editor loaded it; `theirs` is what they saved."""

    code = "edit_conflict"

    def __init__(self, message, theirs, lock_version):
        super().__init__(message)
        self.theirs = theirs
        self.lock_version = lock_version


def draft_texts(letter):
    return {key: getattr(letter, key) for key in TEXT_KEYS}


def _slug_for(campaign, title):
    base = re.sub(r"[^a-z0-9]+", "-", (title or "").lower()).strip("-")[:60] or "letter"
    slug, n = base, 2
    while db.session.scalar(
        sa.select(Letter.id).where(Letter.campaign_id == campaign.id, Letter.slug == slug)
    ):
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_letter(campaign, data, actor=None):
    cleaned = clean_letter_input(data)
    recipients = _recipients(data.get("recipient_ids"))
    slug = _slug_for(campaign, cleaned.get("title_en") or "letter")
    letter = Letter(campaign=campaign, slug=slug, author_id=getattr(actor, "id", None), **cleaned)
    db.session.add(letter)
    _set_recipients(letter, recipients)
    db.session.flush()
    _add_revision(letter, actor)
    audit.record("letter.create", letter, actor=actor)
    log.info("created letter %s in campaign %s", letter.id, campaign.id)
    return letter


def check_lock_version(letter, lock_version):
    """Refuse a save that does not say which saved state it changes, or that changes an older one."""
    if lock_version is None or lock_version == "":
        raise ValidationError(
            _l("This save does not say which saved text it changes: reload the letter and save again."),
            fields={"lock_version": _l("Required.")},
            code="lock_version_required",
        )
    try:
        number = int(lock_version) if not isinstance(lock_version, (bool, float)) else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise ValidationError(
            _l("The letter's edit number must be a whole number: reload the letter and save again."),
            fields={"lock_version": _l("Wrong type.")},
            code="lock_version_invalid",
        )
    if number != letter.lock_version:
        raise EditConflict(
            _l(
                "Someone else saved this letter after you opened it. "
                "Your text is kept below; compare and save again."
            ),
            theirs=draft_texts(letter),
            lock_version=letter.lock_version,
        )


def save_letter(letter, data, actor=None, lock_version=None, partial=False):
    """Save edits as a new revision. An open letter gets a new frozen version at once.

    `lock_version` is the number the editor loaded, required: if someone saved since, EditConflict.
    """
    check_lock_version(letter, lock_version)
    if letter.status in (LetterStatus.CLOSED, LetterStatus.DELIVERED, LetterStatus.ARCHIVED):
        raise ValidationError(_l("A closed letter can no longer be edited."), code="not_editable")
    cleaned = clean_letter_input(data, partial=partial)
    recipients = _recipients(data["recipient_ids"]) if "recipient_ids" in data else None
    before = draft_texts(letter)
    for key, value in cleaned.items():
        setattr(letter, key, value)
    if recipients is not None:
        _set_recipients(letter, recipients)
    if letter.status == LetterStatus.OPEN and draft_texts(letter) != before:
        if missing := missing_for_opening(letter):
            raise ValidationError(
                _l("An open letter needs its title and body in both languages."),
                fields=dict.fromkeys(missing, ""),
            )
        db.session.flush()
        _add_revision(letter, actor)
        freeze_version(letter, actor)
    else:
        db.session.flush()
        _add_revision(letter, actor)
    audit.record("letter.save", letter, actor=actor, lock_version=letter.lock_version)
    return letter


def restore_revision(letter, revision, actor=None, lock_version=None):
    """Bring back the text of an earlier revision, as a new save."""
    return save_letter(
        letter, {key: getattr(revision, key) for key in TEXT_KEYS}, actor, lock_version, partial=True
    )


def _add_revision(letter, actor):
    number = (
        db.session.scalar(
            sa.select(sa.func.max(LetterRevision.number)).where(LetterRevision.letter_id == letter.id)
        )
        or 0
    ) + 1
    revision = LetterRevision(
        letter_id=letter.id, number=number, author_id=getattr(actor, "id", None), **draft_texts(letter)
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def _recipients(ids):
    if not ids:
        return []
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise ValidationError(
            _l("Recipients must be given by their ids."), fields={"recipient_ids": _l("Wrong type.")}
        )
    found = {r.id: r for r in db.session.scalars(sa.select(Recipient).where(Recipient.id.in_(ids)))}
    if len(found) != len(set(ids)):
        raise ValidationError(
            _l("Some recipients do not exist."), fields={"recipient_ids": _l("Unknown recipient.")}
        )
    return [found[i] for i in dict.fromkeys(ids)]


def _set_recipients(letter, recipients):
    letter.recipient_links = [LetterRecipient(recipient=r, position=n) for n, r in enumerate(recipients)]


def content_hash(texts, letter_date, place_en, place_ko):
    """SHA-256 over everything a signatory agrees to; any change gives a new hash."""
    payload = {
        "texts": texts,
        "date": letter_date.isoformat() if letter_date else None,
        "place": {"en": place_en, "ko": place_ko},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def freeze_version(letter, actor=None):
    """Copy the draft into a new frozen version and return it."""
    texts = draft_texts(letter)
    number = (letter.current_version.number + 1) if letter.current_version else 1
    version = LetterVersion(
        letter=letter,
        number=number,
        letter_date=letter.letter_date,
        place_en=letter.place_en,
        place_ko=letter.place_ko,
        content_hash=content_hash(texts, letter.letter_date, letter.place_en, letter.place_ko),
        frozen_by_id=getattr(actor, "id", None),
        **texts,
    )
    db.session.add(version)
    db.session.flush()
    audit.record("letter.freeze", letter, actor=actor, version=number, content_hash=version.content_hash)
    log.info("froze letter %s as version %s", letter.id, number)
    return version
