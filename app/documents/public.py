"""The downloads of the public campaign page: keys built with the cached page, states read per request."""

import sqlalchemy as sa

from app.documents.keys import content_key
from app.documents.models import Document, DocumentLanguage, DocumentStatus, DocumentVariant
from app.documents.snapshot import listed_rows, listing_digest
from app.extensions import db

#: The documents every public letter offers, in this order.
PUBLIC_LANGUAGES = (DocumentLanguage.EN, DocumentLanguage.KO, DocumentLanguage.BOTH)


def offered_languages(letter):
    """A letter written in one language offers that one only (as its current version says)."""
    source = letter.current_version or letter
    if source.single_language is not None:
        return (DocumentLanguage(str(source.single_language)),)
    return PUBLIC_LANGUAGES


def public_document_keys(letter):
    """{language: content key} of the letter's standard documents as it stands now."""
    version = letter.current_version
    listing = listing_digest(listed_rows(letter))
    return {
        str(language): content_key(letter, version, listing, language, None, DocumentVariant.STANDARD)
        for language in offered_languages(letter)
    }


def _rows(letters):
    keys = [key for letter in letters for key in letter.get("document_keys", {}).values()]
    last_ready = (
        sa.select(sa.func.max(Document.id))
        .where(
            Document.letter_id.in_([letter["id"] for letter in letters]),
            Document.status == DocumentStatus.READY,
            Document.recipient_id.is_(None),
            Document.variant == DocumentVariant.STANDARD,
            Document.withdrawn_at.is_(None),
        )
        .group_by(Document.letter_id, Document.language)
    )
    columns = (Document.id, Document.key, Document.letter_id, Document.language, Document.status)
    query = sa.select(*columns, Document.progress, Document.token, Document.as_of)
    return db.session.execute(query.where(sa.or_(Document.key.in_(keys), Document.id.in_(last_ready)))).all()


def download_states(letters):
    """{letter id: {language: state}} for the page's letters, in one query.

    A state says what the current document is doing (none, queued, rendering, ready, failed),
    with its progress and, once ready, its token; and names the last ready document to offer
    meanwhile.
    """
    if not letters:
        return {}
    rows = _rows(letters)
    by_key = {row.key: row for row in rows}
    last_ready = {}
    for row in sorted(rows, key=lambda row: row.id):  # the newest ready one wins
        if row.status == DocumentStatus.READY:
            last_ready[(row.letter_id, str(row.language))] = row
    states = {}
    for letter in letters:
        states[letter["id"]] = {}
        for language, key in letter.get("document_keys", {}).items():
            current = by_key.get(key)
            previous = last_ready.get((letter["id"], language))
            ready = current is not None and current.status == DocumentStatus.READY
            states[letter["id"]][language] = {
                "status": str(current.status) if current else "none",
                "progress": current.progress if current else None,
                # The PDF of the very list the page shows, by its permanent link: served without
                # reading the list again, however long it is.
                "token": current.token if ready else None,
                "previous": previous if previous is not None and previous.key != key else None,
            }
    return states


def last_ready_document(document):
    """The newest ready document of the same letter, language, recipient and variant, but another key."""
    return db.session.scalar(
        sa.select(Document)
        .where(
            Document.letter_id == document.letter_id,
            Document.language == document.language,
            Document.variant == document.variant,
            Document.recipient_id.is_(None)
            if document.recipient_id is None
            else Document.recipient_id == document.recipient_id,
            Document.status == DocumentStatus.READY,
            Document.withdrawn_at.is_(None),
            Document.id != document.id,
        )
        .order_by(Document.id.desc())
        .limit(1)
    )
