"""Updates by email to signers who asked: noted when news is public, mailed once per signer."""

import logging

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core.links import public_url
from app.core.timeutil import utcnow
from app.core.tokens import make_token, read_token
from app.extensions import db
from app.mail.services import queue_mail
from app.signatures.models import Signatory, Signature, SignatureStatus, UpdateMail, UpdateNotice

log = logging.getLogger(__name__)

UNSUBSCRIBE = "unsubscribe"
#: An unsubscribe link works as long as the emails may come.
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 365 * 10
#: Signers who get updates: their signature counts.
COUNTED = (SignatureStatus.CONFIRMED, SignatureStatus.APPROVED)
DELIVERED = "delivered"


def _note(letter_id, key, **refs):
    """The notice of `key`, added unless there is one already. Flushes."""
    with db.session.no_autoflush:
        existing = db.session.scalar(sa.select(UpdateNotice).where(UpdateNotice.key == key))
    if existing is not None:
        return existing
    notice = UpdateNotice(letter_id=letter_id, key=key, **refs)
    db.session.add(notice)
    db.session.flush()
    return notice


def queue_update_for_event(event):
    """Call where a timeline event becomes public; noted once, mailed by send_updates. Flushes."""
    if not event.is_public or event.is_proposed or event.letter_id is None:
        return None
    if str(event.kind) == DELIVERED and event.delivery_id is not None:
        # The same news as the delivery's own: one email, not two.
        return _note(event.letter_id, f"delivery:{event.delivery_id}", delivery_id=event.delivery_id)
    return _note(event.letter_id, f"event:{event.id}", event_id=event.id)


def queue_update_for_delivery(delivery):
    """Call where a delivery becomes delivered; noted once, mailed by send_updates. Flushes."""
    return _note(delivery.letter_id, f"delivery:{delivery.id}", delivery_id=delivery.id)


def recipients(notice):
    """The signers of the notice's letter who asked for updates and still stand, not yet mailed."""
    mailed = sa.select(UpdateMail.signatory_id).where(UpdateMail.notice_id == notice.id)
    counted = sa.select(Signature.signatory_id).where(
        Signature.letter_id == notice.letter_id, Signature.status.in_(COUNTED)
    )
    return db.session.scalars(
        sa.select(Signatory)
        .where(
            Signatory.wants_updates.is_(True),
            Signatory.erased_at.is_(None),
            Signatory.anonymized_at.is_(None),
            Signatory.email != "",
            Signatory.id.in_(counted),
            Signatory.id.not_in(mailed),
        )
        .order_by(Signatory.id)
    ).all()


def unsubscribe_url(signatory):
    return public_url("signatures.unsubscribe", token=make_token(UNSUBSCRIBE, signatory.id))


def signatory_for_unsubscribe(token):
    """The signatory of an unsubscribe link; None for a bad token or a person erased."""
    signatory_id = read_token(UNSUBSCRIBE, token, UNSUBSCRIBE_MAX_AGE)
    signatory = db.session.get(Signatory, signatory_id) if isinstance(signatory_id, int) else None
    if signatory is None or signatory.erased_at is not None:
        return None
    return signatory


def unsubscribe(signatory):
    """No more updates; False when there were none to stop. Flushes."""
    if not signatory.wants_updates:
        return False
    signatory.wants_updates = False
    signatory.updates_requested_at = None
    db.session.flush()
    log.info("signatory %s unsubscribed from updates", signatory.id)
    return True


def _pick(en, ko, lang):
    return (ko or en) if lang == "ko" else (en or ko)


def _event_title(event, lang):
    from app.timeline.labels import KIND_LABELS  # the timeline imports this module

    return _pick(event.title_en, event.title_ko, lang) or str(KIND_LABELS.get(event.kind, ""))


def _mail(notice, signatory):
    lang = str(signatory.language)
    letter = notice.letter
    title = _pick(letter.title_en, letter.title_ko, lang)
    event = notice.event
    link = unsubscribe_url(signatory)
    with force_locale(lang):
        body = render_template(
            "mail/signer_update.txt",
            lang=lang,
            signatory=signatory,
            title=title,
            delivered=notice.delivery_id is not None,
            event_title=_event_title(event, lang) if event else "",
            event_text=_pick(event.description_en, event.description_ko, lang) if event else "",
            page=public_url("campaigns.show", slug=letter.campaign.slug),
            unsubscribe=link,
        )
        subject = _("News of “%(title)s”", title=title)
    headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return queue_mail(signatory.email, subject, body, headers=headers)


def prepare(notice):
    """Queue one email per signer not yet mailed about `notice`; the message ids. Flushes."""
    message_ids = []
    for signatory in recipients(notice):
        message = _mail(notice, signatory)
        db.session.add(UpdateMail(notice_id=notice.id, signatory_id=signatory.id, message_id=message.id))
        message_ids.append(message.id)
    notice.prepared_at = utcnow()
    db.session.flush()
    return message_ids


def opt_in(signatory):
    """The signer asked on the form for updates; the time is kept. Flushes."""
    signatory.wants_updates = True
    signatory.updates_requested_at = utcnow()
    db.session.flush()
