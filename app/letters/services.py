"""Letter services: create, save the draft (each save a revision), restore, freeze a version.

An open letter's saves change its draft only: the public pages and PDFs print its current
version until another editor approves the changes (app.letters.workflow.approve_changes).
"""

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
    LetterVersionRecipient,
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


def printed(source):
    """Everything a letter or a version prints: its texts, date, place, design and addressees."""
    return {
        **draft_texts(source),
        "letter_date": source.letter_date,
        "place_en": source.place_en,
        "place_ko": source.place_ko,
        "template": source.template,
        "single_language": str(source.single_language) if source.single_language else None,
        "recipient_ids": [link.recipient_id for link in source.recipient_links],
    }


def has_unapproved_changes(letter):
    """Whether the draft of a letter with a version prints anything its current version does not."""
    version = letter.current_version
    return version is not None and printed(letter) != printed(version)


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
    """Save edits as a new revision of the draft; an open letter keeps printing its current version.

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
    is_open = letter.status == LetterStatus.OPEN
    if is_open and draft_texts(letter) != before and (missing := missing_for_opening(letter)):
        raise ValidationError(
            _l("An open letter needs its title and body in both languages."),
            fields=dict.fromkeys(missing, ""),
        )
    db.session.flush()
    _add_revision(letter, actor)
    changed_from, changed_to = audit.changes(before, draft_texts(letter))
    audit.record(
        "letter.save",
        letter,
        actor=actor,
        before=changed_from,
        after=changed_to,
        lock_version=letter.lock_version,
    )
    if is_open and has_unapproved_changes(letter):
        log.info("letter %s: saved changes wait for another editor's approval", letter.id)
    return letter


def restore_revision(letter, revision, actor=None, lock_version=None):
    """Bring back the text of an earlier revision, as a new save."""
    return save_letter(
        letter, {key: getattr(revision, key) for key in TEXT_KEYS}, actor, lock_version, partial=True
    )


def _add_revision(letter, actor):
    number = (_last_revision_number(letter) or 0) + 1
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


def content_hash(texts, letter_date, place_en, place_ko, design=None):
    """SHA-256 over everything a signatory agrees to; any change gives a new hash.

    `design`: the template, languages and addressees ({"template", "single_language",
    "recipient_ids"}); versions frozen before these were part of a version were hashed without.
    """
    payload = {
        "texts": texts,
        "date": letter_date.isoformat() if letter_date else None,
        "place": {"en": place_en, "ko": place_ko},
    }
    if design is not None:
        payload["design"] = design
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _last_revision_number(letter):
    return db.session.scalar(
        sa.select(sa.func.max(LetterRevision.number)).where(LetterRevision.letter_id == letter.id)
    )


def freeze_version(letter, actor=None):
    """Copy everything the draft prints into a new frozen version and return it."""
    db.session.flush()  # the addressees' ids
    state = printed(letter)
    texts = draft_texts(letter)
    design = {key: state[key] for key in ("template", "single_language", "recipient_ids")}
    number = (letter.current_version.number + 1) if letter.current_version else 1
    version = LetterVersion(
        letter=letter,
        number=number,
        letter_date=letter.letter_date,
        place_en=letter.place_en,
        place_ko=letter.place_ko,
        template=letter.template,
        single_language=letter.single_language,
        revision_number=_last_revision_number(letter) or 0,
        recipient_links=[
            LetterVersionRecipient(recipient_id=link.recipient_id, position=link.position)
            for link in letter.recipient_links
        ],
        content_hash=content_hash(texts, letter.letter_date, letter.place_en, letter.place_ko, design),
        frozen_by_id=getattr(actor, "id", None),
        **texts,
    )
    db.session.add(version)
    db.session.flush()
    audit.record("letter.freeze", letter, actor=actor, version=number, content_hash=version.content_hash)
    log.info("froze letter %s as version %s", letter.id, number)
    return version
