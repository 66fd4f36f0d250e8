"""Asking signatories of an older version to confirm the new one, by email."""

import logging

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core import audit
from app.core.converters import MAX_ID
from app.core.links import public_url
from app.core.tokens import make_token, read_token
from app.extensions import db
from app.letters.models import LetterVersion
from app.mail.services import queue_mail
from app.signatures.models import Signatory, Signature, SignatureStatus

log = logging.getLogger(__name__)

PURPOSE = "reconfirm"
#: A link to confirm the new version stays valid this long.
MAX_AGE = 60 * 60 * 24 * 30

COUNTED = (SignatureStatus.CONFIRMED, SignatureStatus.APPROVED)


def older_signatures(letter):
    """Counted signatures given for a version other than the current one."""
    current = letter.current_version
    if current is None:
        return []
    query = (
        sa.select(Signature)
        .join(Signatory)
        .where(
            Signature.letter_id == letter.id,
            Signature.version_id != current.id,
            Signature.status.in_(COUNTED),
            Signatory.email != "",
            Signatory.anonymized_at.is_(None),
        )
    )
    return list(db.session.scalars(query))


def request_reconfirmation(letter, actor):
    """Queue one email per signatory of an older version; returns the queued messages."""
    version = letter.current_version
    messages = []
    for signature in older_signatures(letter):
        signatory = signature.signatory
        lang = str(signatory.language)
        token = make_token(PURPOSE, {"s": signature.id, "v": version.id})
        # The page opens in the signatory's language, like the mail, whatever their browser says.
        link = public_url("letters.reconfirm", token=token, lang=lang)
        with force_locale(lang):
            subject = _(
                "Please confirm your signature on the new version of “%(title)s”",
                title=version.text("title", lang) or version.text("title", "en" if lang == "ko" else "ko"),
            )
            body = render_template(
                "mail/reconfirm.txt", signatory=signatory, version=version, link=link, lang=lang
            )
        messages.append(queue_mail(signatory.email, subject, body))
    audit.record("letter.reconfirm_request", letter, actor=actor, version=version.number, count=len(messages))
    log.info(
        "asked %s signatories of letter %s to confirm version %s", len(messages), letter.id, version.number
    )
    return messages


def _id(value):
    return value if type(value) is int and 0 < value <= MAX_ID else None


def signature_for_token(token):
    """(signature, version) for a valid link, else (None, None): a garbled link is only not valid."""
    data = read_token(PURPOSE, token, MAX_AGE)
    if not isinstance(data, dict) or not _id(data.get("s")) or not _id(data.get("v")):
        return None, None
    signature = db.session.get(Signature, data["s"])
    if signature is None or signature.signatory.erased_at is not None:  # erased: no link works
        return None, None
    version = db.session.get(LetterVersion, data["v"])
    if version is None or version.letter_id != signature.letter_id:
        return None, None
    return signature, version


def confirm_new_version(signature, version):
    """Move the signature to the version in the link; returns False if nothing was to do."""
    version_id = version.id
    if signature.status not in COUNTED or signature.version_id == version_id:
        return False
    old = signature.version_id
    signature.version_id = version_id
    audit.record("signature.reconfirm", signature, kind="public", old_version=old, new_version=version_id)
    db.session.flush()
    return True
