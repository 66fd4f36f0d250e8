"""A partner organization's private link to its delivery: issued and emailed once, revoked, read back."""

import hmac
import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import Conflict, DomainError, NotFound, ValidationError
from app.core.i18n import localized
from app.core.links import public_url
from app.core.text import check_text
from app.core.timeutil import utcnow
from app.core.tokens import check_token, make_token
from app.deliveries.models import ActorKind, Channel, Delivery, DeliveryEvent, DeliveryStatus
from app.deliveries.partner_models import PartnerLink
from app.extensions import db
from app.mail.services import queue_mail

log = logging.getLogger(__name__)
S = DeliveryStatus

PURPOSE = "partner-link"
#: The letter is fixed once queued; after that the partner may report until it is settled.
SENDABLE = (S.QUEUED, S.SENT, S.DELIVERED)


class LinkGone(DomainError):
    """A link we made that has expired or was revoked."""

    code = "link_gone"
    status = 410


def link_token(link):
    return make_token(PURPOSE, {"l": link.id, "n": link.nonce})


def link_url(link):
    return public_url("partner.show", token=link_token(link))


def active_link(delivery):
    """The delivery's link that still works, newest first; None when there is none."""
    return db.session.scalars(
        sa.select(PartnerLink)
        .where(
            PartnerLink.delivery_id == delivery.id,
            PartnerLink.revoked_at.is_(None),
            PartnerLink.expires_at > utcnow(),
        )
        .order_by(PartnerLink.id.desc())
        .limit(1)
    ).first()


def _checked(email, partner_name):
    fields = {}
    try:
        email = validate_email((email or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        fields["email"] = _l("Enter the partner's email address.")
    name, problem = check_text(partner_name or "", 200)
    if problem or not name:
        fields["partner_name"] = problem or _l("Name the partner organization.")
    if fields:
        raise ValidationError(_l("Some fields need attention; nothing was sent."), fields=fields)
    return email, name


def _email(delivery, link):
    """(subject, text) of the partner's email, in the delivery's language(s)."""
    langs = ("en", "ko") if str(delivery.language) == "both" else (str(delivery.language),)
    document = delivery.document
    values = {
        "partner": delivery.partner_name,
        "recipient": {lang: delivery.recipient.name(lang) for lang in langs},
        "title": {lang: localized(delivery.letter, "title", lang) for lang in langs},
        "pdf": public_url("documents.document_pdf", token=document.token) if document else "",
        "link": link_url(link),
        "until": link.expires_at.date().isoformat(),
    }
    texts = [render_template("partner/email.txt", lang=lang, **values).strip() for lang in langs]
    subjects = []
    for lang in langs:
        with force_locale(lang):
            subjects.append(_("Delivering our letter: %(title)s", title=values["title"][lang]))
    subject = " / ".join(subjects)
    return subject, "\n\n---\n\n".join(texts) + "\n"


def issue_link(delivery, email, partner_name, actor):
    """A new link for the partner and its email in the outbox, once (flushed); send it after the commit.

    The delivery's row is locked first: two clicks at once make one link and one email.
    """
    db.session.scalar(sa.select(Delivery.id).where(Delivery.id == delivery.id).with_for_update())
    if delivery.channel != Channel.PARTNER:
        raise Conflict(_l("Only a delivery through a partner organization has a partner link."))
    if delivery.status not in SENDABLE:
        raise Conflict(_l("Queue the delivery first: the partner gets the letter's fixed PDF."))
    if active_link(delivery) is not None:
        raise Conflict(_l("The partner already has a working link. Revoke it to send a new one."))
    email, name = _checked(email, partner_name)
    delivery.partner_name = name
    days = current_app.config["PARTNER_LINK_DAYS"]
    link = PartnerLink(
        delivery_id=delivery.id,
        email=email,
        nonce=secrets.token_hex(16),
        created_by_id=getattr(actor, "id", None),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    subject, text = _email(delivery, link)
    link.outbox_message_id = queue_mail(email, subject, text).id
    delivery.events.append(
        DeliveryEvent(
            from_status=delivery.status,
            to_status=delivery.status,
            actor_id=getattr(actor, "id", None),
            actor_kind=ActorKind.STAFF,
            attempt=delivery.attempts or 0,
            detail=f"private link {link.id} sent to the partner {name}, valid for {days} days",
        )
    )
    audit.record("delivery.partner_link", delivery, actor, link_id=link.id)
    db.session.flush()
    log.info("delivery %s: partner link %s issued", delivery.id, link.id)
    return link


def revoke_link(link, actor):
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        link.revoked_by_id = getattr(actor, "id", None)
        audit.record("delivery.partner_link_revoke", link.delivery, actor, link_id=link.id)
        db.session.flush()
    return link


def read_link(token):
    """The link a token names; NotFound for a forged one, LinkGone for an expired or revoked one."""
    max_age = current_app.config["PARTNER_LINK_DAYS"] * 86400
    data, problem = check_token(PURPOSE, token, max_age)
    gone = _l("This link is no longer valid. Ask the coalition that sent it for a new one.")
    if problem == "expired":
        raise LinkGone(gone)
    unknown = NotFound(_l("This link is not known. Check that it was copied whole."))
    if not isinstance(data, dict) or not isinstance(data.get("l"), int):
        raise unknown
    link = db.session.get(PartnerLink, data["l"])
    if link is None or not hmac.compare_digest(link.nonce, str(data.get("n", ""))):
        raise unknown
    if not link.is_active:
        raise LinkGone(gone)
    return link
