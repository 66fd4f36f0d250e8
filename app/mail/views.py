"""The outbox: staff read every message the product sent or kept."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from app.auth.access import role_required
from app.core.pagination import paginate
from app.extensions import db
from app.mail.models import OutboxMessage

bp = Blueprint("mail", __name__, url_prefix="/staff/outbox")


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
    return render_template("mail/message.html", message=message)
