"""The content key of a document: a SHA-256 over everything that shapes its PDF."""

import hashlib
import json
import os
import threading

import sqlalchemy as sa

from app.extensions import db
from app.letters.models import LetterVersionRecipient
from app.recipients.models import Recipient
from app.rendering.environment import TEMPLATES_ROOT

#: Folders of letter_templates/ that every design uses.
SHARED_ASSETS = ("fonts",)

#: Bumped when the key's ingredients change, so that old keys never match new documents.
KEY_FORMAT = 2

_template_hashes = {}
_lock = threading.Lock()


def _file_stats(folder):
    stats = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            info = os.stat(path)
            stats.append((os.path.relpath(path, folder), info.st_size, info.st_mtime_ns))
    return tuple(stats)


def _folder_hash(folder):
    """SHA-256 over a folder's file names and bytes; recomputed only when a file changed."""
    stats = _file_stats(folder)
    with _lock:
        cached = _template_hashes.get(folder)
    if cached and cached[0] == stats:
        return cached[1]
    digest = hashlib.sha256()
    for relative, _size, _mtime in stats:
        digest.update(relative.encode() + b"\0")
        digest.update(hashlib.sha256((folder / relative).read_bytes()).digest())
    value = digest.hexdigest()
    with _lock:
        _template_hashes[folder] = (stats, value)
    return value


def template_hash(name):
    """SHA-256 over the design's files and the assets every design shares (letter_templates/fonts)."""
    parts = [_folder_hash(TEMPLATES_ROOT / name)]
    parts += [_folder_hash(TEMPLATES_ROOT / shared) for shared in SHARED_ASSETS]
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def _version_recipients(version):
    """The recipients the version is addressed to (frozen with it), in order."""
    query = sa.select(Recipient).join(
        LetterVersionRecipient, LetterVersionRecipient.recipient_id == Recipient.id
    )
    query = query.where(LetterVersionRecipient.version_id == version.id).order_by(
        LetterVersionRecipient.position
    )
    return db.session.scalars(query).all()


def _addressing(letter, version, recipient):
    """What else the PDF prints from the database: the campaign's title and the address blocks."""
    recipients = [recipient] if recipient is not None else _version_recipients(version)
    fields = ("name", "addressee", "address")
    return {
        "campaign": [letter.campaign.title_en, letter.campaign.title_ko],
        "single_language": str(version.single_language or ""),
        "recipients": [
            {
                "id": r.id,
                **{f"{f}_{lang}": getattr(r, f"{f}_{lang}") for f in fields for lang in ("en", "ko")},
            }
            for r in recipients
        ],
    }


def content_key(letter, version, listing, language, recipient, variant):
    """The key: same inputs, same key; a new signature, withdrawal or template edit, a new one.

    ``listing`` is the digest of the listed signatories (documents.snapshot.listing_digest).
    """
    payload = {
        "format": KEY_FORMAT,
        "version": {"id": version.id, "content_hash": version.content_hash},
        "signatories": listing,
        "template": {"name": version.template, "hash": template_hash(version.template)},
        "language": str(language),
        "recipient": recipient.id if recipient is not None else None,
        "variant": str(variant),
        "addressing": _addressing(letter, version, recipient),
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()
