"""The staff page where a letter's cover message (the email that carries its PDF) is written."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.auth.access import campaign_access
from app.core.forms import AccessibleForm
from app.deliveries.covers import PLACEHOLDERS, cover_text, save_cover, unknown_placeholders
from app.extensions import db
from app.letters.models import Letter

bp = Blueprint("delivery_covers", __name__)


def known_placeholders(form, field):
    unknown = unknown_placeholders(field.data or "")
    if unknown:
        raise ValidationError(
            _l(
                "Unknown placeholder: %(names)s. Use only %(known)s.",
                names=", ".join("{" + name + "}" for name in unknown),
                known=", ".join("{" + name + "}" for name in PLACEHOLDERS),
            )
        )


class CoverForm(AccessibleForm):
    subject_en = StringField(_l("Subject (English)"), [Length(max=300), known_placeholders])
    body_en = TextAreaField(_l("Message (English)"), [Length(max=5000), known_placeholders])
    subject_ko = StringField(_l("Subject (Korean)"), [Length(max=300), known_placeholders])
    body_ko = TextAreaField(_l("Message (Korean)"), [Length(max=5000), known_placeholders])


@bp.route("/staff/letters/<int:letter_id>/cover-message", methods=["GET", "POST"])
@campaign_access("editor")
def edit(letter_id):
    letter = db.get_or_404(Letter, letter_id)
    form = CoverForm()
    if form.validate_on_submit():
        for lang in ("en", "ko"):
            subject, body = form[f"subject_{lang}"].data or "", form[f"body_{lang}"].data or ""
            save_cover(letter, lang, subject, body, current_user)
        db.session.commit()
        flash(_("The cover message is saved."), "info")
        return redirect(url_for("delivery_covers.edit", letter_id=letter.id))
    if not form.is_submitted():
        for lang in ("en", "ko"):
            form[f"subject_{lang}"].data, form[f"body_{lang}"].data = cover_text(letter, lang)
    status = 422 if form.errors else 200
    return render_template(
        "deliveries/cover.html", letter=letter, form=form, placeholders=PLACEHOLDERS
    ), status
