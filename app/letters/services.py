"""Letter services: freezing a version of the draft for signing."""

import hashlib
import json
import logging

from app.core import audit
from app.extensions import db
from app.letters.models import TEXT_PARTS, LetterVersion

log = logging.getLogger(__name__)


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
    texts = {f"{part}_{lang}": letter.text(part, lang) for part in TEXT_PARTS for lang in ("en", "ko")}
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
    audit.record(
        "letter.freeze",
        letter,
        actor=actor,
        version=number,
        content_hash=version.content_hash,
    )
    log.info("froze letter %s as version %s", letter.id, number)
    return version
