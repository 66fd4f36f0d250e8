"""Periodic sign-on work: remind, expire, and anonymize; each safe to run twice."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from celery import shared_task
from flask import current_app

from app.core.timeutil import utcnow
from app.extensions import db
from app.letters.models import Letter
from app.mail.services import send_queued
from app.signatures import emails
from app.signatures.models import Display, Signatory, Signature, SignatureStatus

log = logging.getLogger(__name__)

S = SignatureStatus


def _unconfirmed():
    return sa.select(Signature).where(
        Signature.status.in_((S.PENDING, S.HELD)), Signature.confirmed_at.is_(None)
    )


@shared_task(name="mail.remind_unconfirmed")
def remind_unconfirmed():
    """One reminder, a day after signing, to signers who have not confirmed."""
    hours = current_app.config["CONFIRMATION_REMINDER_HOURS"]
    cutoff = utcnow() - timedelta(hours=hours)
    query = _unconfirmed().where(
        Signature.status == S.PENDING, Signature.reminded_at.is_(None), Signature.created_at < cutoff
    )
    message_ids = []
    for signature in db.session.scalars(query.limit(5000)):
        signature.reminded_at = utcnow()
        message_ids.append(emails.queue_reminder(signature).id)
    db.session.commit()
    send_queued(*message_ids)
    return len(message_ids)


@shared_task(name="signatures.expire_unconfirmed")
def expire_unconfirmed():
    """Unconfirmed sign-ons lapse after a week; they were never counted."""
    cutoff = utcnow() - timedelta(days=current_app.config["CONFIRMATION_EXPIRY_DAYS"])
    result = db.session.execute(
        sa.update(Signature)
        .where(Signature.status == S.PENDING, Signature.confirmed_at.is_(None), Signature.created_at < cutoff)
        .values(status=S.EXPIRED)
    )
    db.session.commit()
    return result.rowcount


def anonymize_signatory(signatory, erase_public=False):
    """Remove what the public never saw (email, contact, IP); with erase_public, the name too."""
    signatory.email = signatory.email_key = signatory.contact_name = ""
    if erase_public or signatory.display == Display.COUNTED:
        signatory.name_en = signatory.name_ko = signatory.line_en = signatory.line_ko = ""
        signatory.website = signatory.name_key = ""
        signatory.logo_path = None
    signatory.anonymized_at = utcnow()
    for signature in signatory.signatures:
        signature.ip_hash = None
        if erase_public:  # staff's reason may name the person
            signature.rejection_reason = ""


@shared_task(name="signatures.anonymize_closed")
def anonymize_closed():
    """Anonymize signatories whose every letter closed longer ago than the retention period."""
    cutoff = utcnow() - timedelta(days=current_app.config["SIGNATORY_RETENTION_DAYS"])
    still_needed = (
        sa.select(Signature.signatory_id)
        .join(Letter, Signature.letter_id == Letter.id)
        .where(sa.or_(Letter.closed_at.is_(None), Letter.closed_at >= cutoff))
    )
    query = sa.select(Signatory).where(
        Signatory.anonymized_at.is_(None),
        Signatory.id.in_(sa.select(Signature.signatory_id)),
        Signatory.id.not_in(still_needed),
    )
    count = 0
    for signatory in db.session.scalars(query.limit(5000)):
        anonymize_signatory(signatory)
        count += 1
    db.session.commit()
    log.info("anonymized %s signatories of closed letters", count)
    return count
