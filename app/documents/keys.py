"""The content key of a document: a SHA-256 over everything that shapes its PDF."""

import hashlib
import json
import os
import threading

from app.rendering.environment import TEMPLATES_ROOT
from app.signatures.models import Display
from app.signatures.public import initials, public_signatures

#: Bumped when the key's ingredients change, so that old keys never match new documents.
KEY_FORMAT = 1

_template_hashes = {}
_lock = threading.Lock()


def _listed_row(signature, signatory, position):
    def name(lang):
        full = signatory.name(lang)
        return initials(full) if signatory.display == Display.INITIALS else full

    def line(lang):
        return "" if signatory.display == Display.INITIALS else signatory.line(lang)

    return {
        "position": position,
        "signature_id": signature.id,
        "signatory_id": signatory.id,
        "kind": str(signatory.kind),
        "display": str(signatory.display),
        "name": {"en": name("en"), "ko": name("ko")},
        "line": {"en": line("en"), "ko": line("ko")},
    }


def signatory_snapshot(letter):
    """The public list as a PDF prints it (same rules as signatures.public.public_list), with ids."""
    rows, count = [], 0
    for signature, signatory in public_signatures(letter):
        count += 1
        if signatory.display == Display.COUNTED or not signatory.has_consented:
            continue
        rows.append(_listed_row(signature, signatory, len(rows) + 1))
    return {"count": count, "signatories": rows}


def _file_stats(folder):
    stats = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            info = os.stat(path)
            stats.append((os.path.relpath(path, folder), info.st_size, info.st_mtime_ns))
    return tuple(stats)


def template_hash(name):
    """SHA-256 over the design's files (names and bytes); recomputed only when a file changed."""
    folder = TEMPLATES_ROOT / name
    stats = _file_stats(folder)
    with _lock:
        cached = _template_hashes.get(name)
    if cached and cached[0] == stats:
        return cached[1]
    digest = hashlib.sha256()
    for relative, _size, _mtime in stats:
        digest.update(relative.encode() + b"\0")
        digest.update(hashlib.sha256((folder / relative).read_bytes()).digest())
    value = digest.hexdigest()
    with _lock:
        _template_hashes[name] = (stats, value)
    return value


def _addressing(letter, recipient):
    """What else the PDF prints from the database: the campaign's title and the address blocks."""
    recipients = [recipient] if recipient is not None else [link.recipient for link in letter.recipient_links]
    fields = ("name", "addressee", "address")
    return {
        "campaign": [letter.campaign.title_en, letter.campaign.title_ko],
        "single_language": str(letter.single_language or ""),
        "recipients": [
            {"id": r.id, **{f"{f}_{lang}": getattr(r, f"{f}_{lang}") for f in fields for lang in ("en", "ko")}}
            for r in recipients
        ],
    }


def content_key(letter, version, snapshot, language, recipient, variant):
    """The key: same inputs, same key; a new signature, withdrawal or template edit, a new one."""
    payload = {
        "format": KEY_FORMAT,
        "version": {"id": version.id, "content_hash": version.content_hash},
        "signatories": snapshot,
        "template": {"name": letter.template, "hash": template_hash(letter.template)},
        "language": str(language),
        "recipient": recipient.id if recipient is not None else None,
        "variant": str(variant),
        "addressing": _addressing(letter, recipient),
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()
