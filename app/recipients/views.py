"""Staff pages for recipients."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import role_required, staff_required
from app.core.errors import ValidationError
from app.extensions import db
from app.recipients.forms import KIND_LABELS, RecipientForm
from app.recipients.models import Recipient
from app.recipients.services import save_recipient

bp = Blueprint("recipients", __name__, url_prefix="/staff/recipients")


@bp.route("/")
@staff_required
def index():
    recipients = db.session.scalars(sa.select(Recipient).order_by(Recipient.name_en)).all()
    return render_template("recipients/index.html", recipients=recipients, kind_labels=KIND_LABELS)


@bp.route("/new", methods=["GET", "POST"], defaults={"recipient_id": None})
@bp.route("/<int:recipient_id>", methods=["GET", "POST"])
@role_required("editor")
def edit(recipient_id):
    recipient = db.get_or_404(Recipient, recipient_id) if recipient_id else None
    form = RecipientForm(obj=recipient)
    if request.method == "GET" and recipient:
        form.emails.data = "\n".join(recipient.emails or [])
    if form.validate_on_submit():
        data = {name: field.data for name, field in form._fields.items()}
        try:
            recipient = save_recipient(recipient, data, actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
            for key, message in error.fields.items():
                getattr(form, key).errors = [str(message)]
        else:
            db.session.commit()
            flash(_("The recipient is saved."), "info")
            return redirect(url_for("recipients.index"))
    status = 422 if form.form_errors else 200
    return render_template("recipients/edit.html", form=form, recipient=recipient), status
