"""Requests about one person's data: find it by email, hand it over as JSON, erase it."""

import json
import logging

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core import audit
from app.core.text import clean_text
from app.core.timeutil import utcnow
from app.documents.withdrawal import hold_erasure_lock, withdraw_documents_listing
from app.extensions import db
from app.signatures import erasure
from app.signatures.logos import logo_folder
from app.signatures.models import Signatory, Signature, SignatureStatus
from app.signatures.normalize import email_key
from app.signatures.services import STANDING
from app.signatures.tasks import anonymize_signatory

log = logging.getLogger(__name__)

_SIGNATORY_FIELDS = (
    "id",
    "kind",
    "name_en",
    "name_ko",
    "line_en",
    "line_ko",
    "country",
    "website",
    "contact_name",
    "email",
    "display",
    "has_consented",
    "language",
    "created_at",
    "updated_at",
)
_SIGNATURE_FIELDS = (
    "id",
    "status",
    "source",
    "hold_reason",
    "rejection_reason",
    "ip_hash",
    "created_at",
    "confirmed_at",
    "approved_at",
    "withdrawn_at",
)


def find_signatories(email):
    """Every signatory whose address is the same as `email` once normalized; none for an empty one."""
    key = email_key(clean_text(email or ""))
    if not key:
        return []
    query = (
        sa.select(Signatory)
        .where(Signatory.email_key == key)
        .options(selectinload(Signatory.signatures).selectinload(Signature.letter))
        .order_by(Signatory.id)
    )
    return db.session.scalars(query).all()


def _plain(obj, names):
    values = {}
    for name in names:
        value = getattr(obj, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def personal_data(signatories, actor):
    """All we hold about the person as JSON bytes; the hand-over is audit-logged (without the email)."""
    data = {"exported_at": utcnow().isoformat(), "signatories": []}
    for signatory in signatories:
        record = _plain(signatory, _SIGNATORY_FIELDS)
        record["has_logo"] = bool(signatory.logo_path)
        record["signatures"] = [
            {
                **_plain(signature, _SIGNATURE_FIELDS),
                "letter": {
                    "id": signature.letter_id,
                    "title_en": signature.letter.title_en,
                    "title_ko": signature.letter.title_ko,
                },
                "version": signature.version.number,
            }
            for signature in signatory.signatures
        ]
        data["signatories"].append(record)
        audit.record("signatory.export", signatory, actor=actor)
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def erase_person(signatories, actor):
    """Withdraw the person's standing signatures and erase them from everything we store.

    Their rows are anonymized, their logo deleted, the documents that list them withdrawn
    (documents.withdrawal), unsent mail to them deleted and their names, address and links
    blanked in the rest of the outbox and in the audit log. Returns the letters affected.
    """
    if not signatories:
        return []
    hold_erasure_lock()
    needles = erasure.personal_strings(signatories)
    keys = {signatory.email_key for signatory in signatories}
    letters = {}
    for signatory in signatories:
        withdrawn = _withdraw_signatures(signatory)
        letters.update((signature.letter_id, signature.letter) for signature in signatory.signatures)
        _remove_logo(signatory.logo_path)
        anonymize_signatory(signatory, erase_public=True)
        signatory.erased_at = utcnow()
        audit.record("signatory.erase", signatory, actor=actor, withdrawn=withdrawn)
    db.session.flush()
    ids = [signatory.id for signatory in signatories]
    documents = withdraw_documents_listing(ids, list(letters))
    erasure.scrub_outbox(needles, keys)
    erasure.scrub_audit(needles)
    log.info("erased %s signatory records; %s documents withdrawn", len(ids), len(documents))
    return list(letters.values())


def _withdraw_signatures(signatory):
    withdrawn = 0
    for signature in signatory.signatures:
        if signature.status in STANDING:
            signature.status, signature.withdrawn_at = SignatureStatus.WITHDRAWN, utcnow()
            withdrawn += 1
    return withdrawn


def _remove_logo(path):
    if path and "/" not in path and "\\" not in path:
        (logo_folder() / path).unlink(missing_ok=True)
