"""A document's signatory snapshot: the public list as printed, taken when the document is asked for."""

import hashlib
import json

from app.extensions import db
from app.rendering.context import either_language, long_date
from app.rendering.fetcher import logo_url
from app.signatures.models import Display, Signatory, SignatoryKind, Signature
from app.signatures.public import initials, public_query

#: The columns the snapshot needs; plain rows, not ORM objects: a list may have thousands.
_COLUMNS = (
    Signature.id.label("signature_id"),
    Signatory.id.label("signatory_id"),
    Signatory.kind,
    Signatory.display,
    Signatory.has_consented,
    Signatory.name_en,
    Signatory.name_ko,
    Signatory.line_en,
    Signatory.line_ko,
    Signatory.logo_path,
)


def listed_rows(letter):
    """The rows of signatures.public.public_signatures (same condition and order), as columns."""
    return db.session.execute(public_query(letter, *_COLUMNS)).all()


def listing_digest(rows):
    """SHA-256 over the listed rows: everything a snapshot is made from, so equal digests make equal
    snapshots. Hashing the plain rows keeps a download of a long list's current PDF cheap."""
    encoded = json.dumps([list(row) for row in rows], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def _printed(row, position):
    hidden = row.display == Display.INITIALS
    return {
        "position": position,
        "signature_id": row.signature_id,
        "signatory_id": row.signatory_id,
        "kind": str(row.kind),
        "display": str(row.display),
        "name": {
            lang: initials(name) if hidden else name
            for lang in ("en", "ko")
            for name in [either_language(row, "name", lang)]
        },
        "line": {lang: "" if hidden else either_language(row, "line", lang) for lang in ("en", "ko")},
        # An organization shown in full is printed with its logo where the design shows logos.
        "logo": row.logo_path
        if row.logo_path and not hidden and row.kind == SignatoryKind.ORGANIZATION
        else "",
    }


def snapshot_of(rows):
    """The public list as a PDF prints it (the rules of signatures.public.public_list), with ids."""
    printed = []
    for row in rows:
        if row.display == Display.COUNTED or not row.has_consented:
            continue
        printed.append(_printed(row, len(printed) + 1))
    return {"count": len(rows), "signatories": printed}


def signatory_snapshot(letter):
    """The letter's snapshot as it stands now."""
    return snapshot_of(listed_rows(letter))


def snapshot_signatories(snapshot, lang, as_of):
    """A snapshot's list as a design prints it (letter_context's ``signatories``), in ``lang``."""
    rows = snapshot.get("signatories", [])

    def listed(kind):
        return [
            {
                "name": r["name"][lang],
                "line": r["line"][lang],
                "logo": logo_url(r["logo"]) if r.get("logo") else "",
            }
            for r in rows
            if r["kind"] == kind
        ]

    return {
        "organizations": listed("organization"),
        "individuals": listed("individual"),
        "count": snapshot.get("count", 0),
        "as_of": long_date(as_of, lang),
    }
