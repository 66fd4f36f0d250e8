"""The public pages of signing: the form, the confirmation link and the withdrawal link."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.core.errors import ValidationError
from app.core.i18n import current_language
from app.core.links import public_url
from app.core.overload import admitted, before_commit
from app.extensions import csrf, db
from app.letters.models import PUBLIC_LETTER_STATUSES, LetterStatus
from app.mail.services import send_queued
from app.signatures import emails, updates
from app.signatures.abuse import filled_too_fast, form_started_token, ip_hash, within_rate_limits
from app.signatures.forms import SignForm
from app.signatures.logos import check_logo, save_logo
from app.signatures.models import SignatoryKind, SignatureStatus
from app.signatures.next_steps import waiting_note
from app.signatures.services import STANDING, confirm, sign_on, withdraw
from app.signatures.sign_page import blank_fields, letter_query, render_fields, sign_form
from app.signatures.validation import clean_sign_on

bp = Blueprint("signatures", __name__)

FIELDS = (
    "kind",
    "name_en",
    "name_ko",
    "line",
    "line_ko",
    "country",
    "email",
    "contact_name",
    "website",
    "display",
    "consent",
)


def _public_letter(letter_id, sign_on=False):
    query = letter_query(sign_on)
    letter = db.session.execute(query, {"letter_id": letter_id}).unique().scalar_one_or_none()
    if letter is None or letter.status not in PUBLIC_LETTER_STATUSES:
        abort(404)
    return letter


def _csrf_token():
    """The token the form's own CSRF field holds; none when CSRF protection is off (some tests)."""
    return generate_csrf() if current_app.config.get("WTF_CSRF_ENABLED", True) else None


def _page(letter, form, fields, started, status=200):
    return render_template(
        "signatures/sign.html",
        letter=letter,
        form=form,
        fields=fields,
        csrf_value=_csrf_token(),
        started=started,
    ), status


def _show(letter, form, status):
    """The form again, with the answers sent and what is wrong with them."""
    return _page(letter, form, render_fields(form), form.started._value(), status)


@bp.route("/letters/<int:letter_id>/sign", methods=["GET", "POST"])
@csrf.exempt  # checked by the form itself, so a stale token re-shows the form with its data
def sign(letter_id):
    if request.method == "GET":
        letter = _public_letter(letter_id)
        return _page(letter, None, blank_fields(), form_started_token())
    letter = _public_letter(letter_id, sign_on=True)
    form = sign_form()
    if letter.status != LetterStatus.OPEN:
        form.form_errors.append(_("This letter is not open for signatures."))
        return _show(letter, form, 409)
    if not form.validate_on_submit():
        form.started.data = form_started_token()
        form.form_errors.append(_("This form has expired. Your answers are kept; please send it again."))
        return _show(letter, form, 400)
    with admitted("sign_on"):
        return _submit(letter, form)


def _submit(letter, form):
    lang = current_language()
    try:
        cleaned = clean_sign_on({name: getattr(form, name).data for name in FIELDS})
        upload = form.logo.data if cleaned["kind"] == SignatoryKind.ORGANIZATION else None
        data = upload.read() if upload else b""
        logo = check_logo(data) if data else None
        hashed_ip = ip_hash(request.remote_addr)
        hold = (
            "honeypot" if form.homepage.data else ("too_fast" if filled_too_fast(form.started.data) else "")
        )
        if not hold and not within_rate_limits(letter, hashed_ip):
            hold = "rate_limit"
        result = sign_on(letter, cleaned, lang, hashed_ip, hold_reason=hold)
    except ValidationError as error:
        db.session.rollback()
        for key, message in error.fields.items():
            field = getattr(form, key, None)
            if field is not None:
                field.errors = [str(message)]
        form.form_errors.append(str(error.message))
        return _show(letter, form, 409 if error.code == "letter_not_open" else 422)
    before_commit()  # past the deadline: rolled back, answered 503, nothing written
    if logo is not None and result.outcome == "created":
        # Only now, past every check: a held, dropped or duplicate sign-on leaves no file behind.
        result.signature.signatory.logo_path = save_logo(logo)
    if form.updates.data and result.outcome not in ("duplicate", "held_duplicate"):
        updates.opt_in(result.signature.signatory)
    message = _email_for(result, cleaned["email"], lang)
    message_ids = [message.id] if message is not None else []
    # Before the commit: reading letter.id after it would load the letter again.
    thanks_url = url_for("signatures.thanks", letter_id=letter.id)
    db.session.commit()
    send_queued(*message_ids)
    return redirect(thanks_url)


def _email_for(result, email, lang):
    """Which email the sign-on earns; the page says the same thing whatever it is.

    Only the same address (normalized) is told it signed already: an organization's name typed by
    anyone else earns the ordinary confirmation, so the form never reveals who signed.
    """
    signature = result.signature
    if result.outcome in ("bot", "held_duplicate"):
        return None  # the address may be someone else's: never mail on a bot's word, nor past the limits
    if result.outcome == "duplicate":
        if signature.status in (SignatureStatus.PENDING, SignatureStatus.HELD) and not signature.confirmed_at:
            return emails.queue_confirmation(signature)
        return emails.queue_already_signed(signature, email, lang)
    return emails.queue_confirmation(signature)


@bp.route("/letters/<int:letter_id>/sign/thanks")
def thanks(letter_id):
    letter = _public_letter(letter_id)
    share_url = public_url("campaigns.show", slug=letter.campaign.slug)
    return render_template("signatures/thanks.html", letter=letter, share_url=share_url)


def _link_page(purpose, token, action, done_message, again_message):
    """The page of a link from an email; the messages are functions, read in the signer's language."""
    signature = emails.signature_for(purpose, token)
    if signature is None:
        return render_template(
            "error.html", status=400, message=_("This link is not valid or has expired.")
        ), 400
    if request.args.get("lang") in current_app.config["LANGUAGES"]:
        return _link_page_for(signature, purpose, action, done_message, again_message)
    # The signer's own language, the one they signed in, whatever this browser asks for.
    with force_locale(str(signature.signatory.language)):
        return _link_page_for(signature, purpose, action, done_message, again_message)


def _link_page_for(signature, purpose, action, done_message, again_message):
    form = SignForm(meta={"csrf": True})
    if request.method == "POST":
        if not form.validate_on_submit() and form.csrf_token.errors:
            flash(_("This form has expired. Please press the button again."), "error")
            return redirect(request.path)
        changed = action(signature)
        db.session.commit()
        return render_template(
            "signatures/done.html",
            message=done_message() if changed else again_message(signature),
            waiting=waiting_note(signature) if purpose == emails.CONFIRM else None,
            campaign=signature.letter.campaign if purpose == emails.CONFIRM else None,
            share_url=public_url("campaigns.show", slug=signature.letter.campaign.slug),
        )
    return render_template("signatures/link.html", purpose=purpose, signature=signature, form=form)


@bp.route("/s/confirm/<token>", methods=["GET", "POST"])
def confirm_link(token):
    return _link_page(
        emails.CONFIRM,
        token,
        confirm,
        lambda: _("Thank you: your signature is confirmed."),
        _not_confirmed_again,
    )


def _not_confirmed_again(signature):
    """Why a confirmation changed nothing: done before, or the sign-on no longer stands."""
    if signature.confirmed_at is not None and signature.status in STANDING:
        return _("Your signature was already confirmed.")
    return _("This sign-on can no longer be confirmed (it was withdrawn, has expired or was removed).")


@bp.route("/s/withdraw/<token>", methods=["GET", "POST"])
def withdraw_link(token):
    return _link_page(
        emails.WITHDRAW,
        token,
        withdraw,
        lambda: _("Your signature is withdrawn. It is no longer counted or listed."),
        lambda _signature: _("This signature was already withdrawn; nothing changed."),
    )


@bp.route("/s/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: a mail program's one-click POST carries no token and no cookie
def unsubscribe(token):
    signatory = updates.signatory_for_unsubscribe(token)
    if signatory is None:
        return render_template(
            "error.html", status=400, message=_("This link is not valid or has expired.")
        ), 400
    form = SignForm(meta={"csrf": True})
    if request.method == "POST":
        one_click = request.form.get("List-Unsubscribe") == "One-Click"
        if not one_click and not form.validate_on_submit() and form.csrf_token.errors:
            flash(_("This form has expired. Please press the button again."), "error")
            return redirect(request.path)
        changed = updates.unsubscribe(signatory)
        db.session.commit()
        message = (
            _("You will get no more updates about this letter.")
            if changed
            else _("You were not getting updates; nothing changed.")
        )
        return render_template("signatures/done.html", message=message)
    return render_template("signatures/unsubscribe.html", form=form)
