"""Emails to signers, in their language: confirm, already signed, reminder."""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core.links import public_url
from app.core.tokens import make_token, read_token
from app.extensions import db
from app.mail.services import queue_mail
from app.signatures.models import Signature
from app.signatures.normalize import email_key

CONFIRM = "confirm"
WITHDRAW = "withdraw"
#: A confirmation link outlives the 7 days a pending signature waits, a little.
CONFIRM_MAX_AGE = 60 * 60 * 24 * 8
WITHDRAW_MAX_AGE = 60 * 60 * 24 * 365 * 3


def links(signature):
    return {
        "confirm": public_url("signatures.confirm_link", token=make_token(CONFIRM, signature.id)),
        "withdraw": public_url("signatures.withdraw_link", token=make_token(WITHDRAW, signature.id)),
    }


def signature_for(purpose, token):
    """The signature of a link; None for a bad or old token, or a person who had their data erased."""
    max_age = CONFIRM_MAX_AGE if purpose == CONFIRM else WITHDRAW_MAX_AGE
    signature_id = read_token(purpose, token, max_age)
    signature = db.session.get(Signature, signature_id) if isinstance(signature_id, int) else None
    if signature is None or signature.signatory.erased_at is not None:
        return None
    return signature


def _title(signature, lang):
    version = signature.version
    return version.text("title", lang) or version.text("title", "ko" if lang == "en" else "en")


def _queue(signature, template, subject, to=None, lang=None, **extra):
    signatory = signature.signatory
    lang = lang or str(signatory.language)
    title = _title(signature, lang)
    with force_locale(lang):
        body = render_template(
            f"mail/{template}.txt",
            signatory=signatory,
            title=title,
            links=links(signature),
            lang=lang,
            **extra,
        )
        return queue_mail(to or signatory.email, subject(title), body)


def queue_confirmation(signature):
    return _queue(
        signature, "signature_confirm", lambda t: _("Please confirm your signature on “%(title)s”", title=t)
    )


def queue_reminder(signature):
    return _queue(
        signature,
        "signature_reminder",
        lambda t: _("Reminder: confirm your signature on “%(title)s”", title=t),
    )


def queue_already_signed(signature, to, lang):
    """Told to an address that signed again, instead of saying so on the page.

    The withdrawal link goes only to the address that signed, never to whoever typed the same
    organization name.
    """
    same_person = signature.signatory.email_key == email_key(to)
    return _queue(
        signature,
        "signature_already",
        lambda t: _("You have already signed “%(title)s”", title=t),
        to=to,
        lang=lang,
        show_withdraw=same_person,
    )
