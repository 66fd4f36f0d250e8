"""The outbox: staff read every message the product sent or kept, and send failed ones again."""

import io

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import role_required
from app.core.errors import DomainError
from app.core.pagination import paginate
from app.documents import storage
from app.documents.models import Document
from app.extensions import db
from app.mail.forms import SendAgainForm
from app.mail.labels import FAILURE_LABELS, STATUS_LABELS, UNCONFIRMED_HELP
from app.mail.models import OutboxMessage
from app.mail.services import send_message_again, send_queued

bp = Blueprint("mail", __name__, url_prefix="/staff/outbox")


@bp.context_processor
def mail_labels():
    return {
        "mail_status_labels": STATUS_LABELS,
        "mail_failure_labels": FAILURE_LABELS,
        "mail_unconfirmed_help": UNCONFIRMED_HELP,
        "mail_retention_days": current_app.config["MAIL_RETENTION_DAYS"],
    }


@bp.route("/")
@role_required("admin")
def index():
    page = paginate(
        sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()),
        request.args.get("page"),
    )
    return render_template("mail/outbox.html", page=page)


@bp.route("/<int:message_id>")
@role_required("admin")
def show(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("mail/message.html", message=message, form=SendAgainForm())


@bp.route("/<int:message_id>/attachment.pdf")
@role_required("admin")
def attachment(message_id):
    """The PDF a kept message carries, as the recipient would have received it."""
    message = db.get_or_404(OutboxMessage, message_id)
    document = db.session.get(Document, message.attachment_document_id or 0)
    if document is None or not storage.has_file(document.token):
        abort(404)
    return send_file(
        io.BytesIO(storage.read(document.token)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=message.attachment_filename or "letter.pdf",
    )


@bp.route("/<int:message_id>/send-again", methods=["POST"])
@role_required("admin")
def send_again(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    if not SendAgainForm().validate_on_submit():
        abort(400)
    try:
        send_message_again(message, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("mail.show", message_id=message_id))
    db.session.commit()
    send_queued(message_id)
    flash(_("The message is queued to be sent again."), "info")
    return redirect(url_for("mail.show", message_id=message_id))
