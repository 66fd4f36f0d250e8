"""Asking signatories to confirm a new version, and the public link by which they do."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.access import campaign_access
from app.campaigns.public import forget_letter
from app.core.i18n import current_language
from app.core.sanitizing import render_markdown
from app.extensions import db
from app.letters.forms import ActionForm
from app.letters.models import LetterStatus
from app.letters.reconfirm import confirm_new_version, request_reconfirmation, signature_for_token
from app.letters.views import bp, letter_or_404
from app.mail.services import send_queued


@bp.route("/staff/letters/<int:letter_id>/reconfirm", methods=["POST"])
@campaign_access("editor")
def ask_reconfirmation(letter_id):
    letter = letter_or_404(letter_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if letter.status != LetterStatus.OPEN:
        flash(_("Only an open letter can ask its signatories to confirm a new version."), "error")
        return redirect(url_for("letters.edit", letter_id=letter.id))
    message_ids = [message.id for message in request_reconfirmation(letter, current_user)]
    db.session.commit()
    send_queued(*message_ids)
    flash(
        ngettext(
            "%(num)d signatory was asked to confirm the new version.",
            "%(num)d signatories were asked to confirm the new version.",
            len(message_ids),
        ),
        "info",
    )
    return redirect(url_for("letters.edit", letter_id=letter.id))


@bp.route("/s/reconfirm/<token>", methods=["GET", "POST"])
def reconfirm(token):
    signature, version = signature_for_token(token)
    if signature is None:
        return render_template(
            "error.html", status=400, message=_("This link is not valid or has expired.")
        ), 400
    form = ActionForm()
    if form.validate_on_submit():
        changed = confirm_new_version(signature, version)
        db.session.commit()
        forget_letter(signature.letter)
        message = (
            _("Thank you: your signature is now on the new version.")
            if changed
            else _("Nothing to change: your signature was already confirmed.")
        )
        return render_template("letters/reconfirmed.html", message=message)
    lang = current_language()
    texts = (
        version.texts(lang) if version.text("body", lang) else version.texts("ko" if lang == "en" else "en")
    )
    return render_template(
        "letters/reconfirm.html", form=form, title=texts["title"], body_html=render_markdown(texts["body"])
    )
