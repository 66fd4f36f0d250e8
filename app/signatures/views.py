"""The public pages of signing: the form, the confirmation link and the withdrawal link."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.core.errors import ValidationError
from app.core.forms import choices
from app.core.i18n import current_language
from app.extensions import csrf, db
from app.letters.models import Letter, LetterStatus
from app.mail.services import send_queued
from app.signatures import emails
from app.signatures.abuse import filled_too_fast, form_started_token, ip_hash, within_rate_limits
from app.signatures.forms import SignForm
from app.signatures.logos import store_logo
from app.signatures.models import SignatoryKind, SignatureStatus
from app.signatures.services import confirm, sign_on, withdraw
from app.signatures.validation import clean_sign_on, country_choices

bp = Blueprint("signatures", __name__)

PUBLIC = (LetterStatus.OPEN, LetterStatus.CLOSED, LetterStatus.DELIVERED)
FIELDS = (
    "kind",
    "name_en",
    "name_ko",
    "line",
    "country",
    "email",
    "contact_name",
    "website",
    "display",
    "consent",
)


def _form():
    form = SignForm()
    form.country.choices = choices([("", "—"), *country_choices(current_language())])
    return form


def _show(letter, form, status=200):
    return render_template("signatures/sign.html", letter=letter, form=form), status


@bp.route("/letters/<int:letter_id>/sign", methods=["GET", "POST"])
@csrf.exempt  # checked by the form itself, so a stale token re-shows the form with its data
def sign(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    if letter.status not in PUBLIC:
        abort(404)
    form = _form()
    if request.method == "GET":
        form.started.data = form_started_token()
        return _show(letter, form)
    if letter.status != LetterStatus.OPEN:
        form.form_errors.append(_("This letter is not open for signatures."))
        return _show(letter, form, 409)
    if not form.validate_on_submit():
        form.started.data = form_started_token()
        form.form_errors.append(_("This form has expired. Your answers are kept; please send it again."))
        return _show(letter, form, 400)
    return _submit(letter, form)


def _submit(letter, form):
    lang = current_language()
    try:
        cleaned = clean_sign_on({name: getattr(form, name).data for name in FIELDS})
        logo = (
            form.logo.data.read()
            if cleaned["kind"] == SignatoryKind.ORGANIZATION and form.logo.data
            else None
        )
        logo_path = store_logo(logo) if logo else None
        hashed_ip = ip_hash(request.remote_addr)
        hold = (
            "honeypot" if form.homepage.data else ("too_fast" if filled_too_fast(form.started.data) else "")
        )
        if not hold and not within_rate_limits(letter, hashed_ip):
            hold = "rate_limit"
        result = sign_on(letter, cleaned, lang, hashed_ip, hold_reason=hold, logo_path=logo_path)
    except ValidationError as error:
        db.session.rollback()
        for key, message in error.fields.items():
            field = getattr(form, key, None)
            if field is not None:
                field.errors = [str(message)]
        form.form_errors.append(str(error.message))
        return _show(letter, form, 409 if error.code == "letter_not_open" else 422)
    message = _email_for(result, cleaned["email"], lang)
    message_ids = [message.id] if message is not None else []
    db.session.commit()
    send_queued(*message_ids)
    return redirect(url_for("signatures.thanks", letter_id=letter.id))


def _email_for(result, email, lang):
    """Which email the sign-on earns; the page says the same thing whatever it is."""
    signature = result.signature
    if result.outcome == "bot":
        return None  # the address may be someone else's: never mail on a bot's word
    if result.outcome == "duplicate":
        unconfirmed = (
            signature.status in (SignatureStatus.PENDING, SignatureStatus.HELD) and not signature.confirmed_at
        )
        same_address = (
            signature.signatory.email_key and emails.email_key(email) == signature.signatory.email_key
        )
        if unconfirmed and same_address:
            return emails.queue_confirmation(signature)
        return emails.queue_already_signed(signature, email, lang) if email else None
    return emails.queue_confirmation(signature)


@bp.route("/letters/<int:letter_id>/sign/thanks")
def thanks(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    return render_template("signatures/thanks.html", letter=letter)


def _link_page(purpose, token, action, done_message, again_message):
    signature = emails.signature_for(purpose, token)
    if signature is None:
        return render_template(
            "error.html", status=400, message=_("This link is not valid or has expired.")
        ), 400
    form = SignForm(meta={"csrf": True})
    if request.method == "POST":
        if not form.validate_on_submit() and form.csrf_token.errors:
            flash(_("This form has expired. Please press the button again."), "error")
            return redirect(request.path)
        changed = action(signature)
        db.session.commit()
        return render_template("signatures/done.html", message=done_message if changed else again_message)
    return render_template("signatures/link.html", purpose=purpose, signature=signature, form=form)


@bp.route("/s/confirm/<token>", methods=["GET", "POST"])
def confirm_link(token):
    return _link_page(
        emails.CONFIRM,
        token,
        confirm,
        _("Thank you: your signature is confirmed."),
        _("Your signature was already confirmed."),
    )


@bp.route("/s/withdraw/<token>", methods=["GET", "POST"])
def withdraw_link(token):
    return _link_page(
        emails.WITHDRAW,
        token,
        withdraw,
        _("Your signature is withdrawn. It is no longer counted or listed."),
        _("This signature was already withdrawn; nothing changed."),
    )
