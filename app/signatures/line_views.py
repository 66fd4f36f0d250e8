"""The staff form on a signature's page that corrects the signatory's lines in both languages."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import campaign_access
from app.campaigns.public import forget_letter
from app.core.errors import ValidationError
from app.extensions import db
from app.signatures.lines import set_lines
from app.signatures.staff_forms import LinesForm
from app.signatures.staff_views import ONE, _signature, bp


@bp.post(ONE + "/lines")
@campaign_access("editor")
def edit_lines(letter_id, signature_id):
    signature = _signature(letter_id, signature_id)
    form = LinesForm()
    back = redirect(url_for(".detail", letter_id=letter_id, signature_id=signature_id))
    if not form.validate_on_submit():
        flash(_("This form has expired. Please press the button again."), "error")
        return back
    try:
        changed = set_lines(signature.signatory, form.line_en.data, form.line_ko.data, current_user)
    except ValidationError as error:
        db.session.rollback()
        for message in error.fields.values() or [error.message]:
            flash(str(message), "error")
        return back
    db.session.commit()
    forget_letter(signature.letter)
    flash(_("The lines are saved.") if changed else _("Nothing changed."), "info")
    return back
