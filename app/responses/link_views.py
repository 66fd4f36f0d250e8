"""Staff attach a response to further deliveries it answers (one reply to several letters), or detach it."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import campaign_access
from app.campaigns.public import forget_letter
from app.core.errors import ValidationError
from app.deliveries.models import Delivery
from app.extensions import db
from app.responses.forms import LinkForm
from app.responses.linking import attach_delivery, detach_delivery
from app.responses.models import Response

bp = Blueprint("response_links", __name__, url_prefix="/staff/responses")


def _back(form, response):
    if form.back.data == "inbound":
        return redirect(url_for("inbound.index"))
    return redirect(url_for("responses.show", response_id=response.id))


@bp.post("/<int:response_id>/deliveries")
@campaign_access("editor")
def attach(response_id):
    response = db.get_or_404(Response, response_id, with_for_update=True)
    form = LinkForm()
    if not form.validate_on_submit():
        flash(_("Choose the delivery this response answers too."), "error")
        return _back(form, response)
    try:
        attach_delivery(response, db.session.get(Delivery, form.delivery_id.data), current_user)
    except ValidationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(form, db.get_or_404(Response, response_id))
    db.session.commit()
    flash(_("The response answers delivery %(id)d too.", id=form.delivery_id.data), "success")
    return _back(form, response)


@bp.post("/<int:response_id>/deliveries/<int:delivery_id>/detach")
@campaign_access("editor")
def detach(response_id, delivery_id):
    response = db.get_or_404(Response, response_id, with_for_update=True)
    form = LinkForm(delivery_id=delivery_id)
    if not form.validate_on_submit():
        abort(400)
    letters = detach_delivery(response, delivery_id, current_user)
    db.session.commit()
    for letter in {letter.id: letter for letter in letters if letter is not None}.values():
        forget_letter(letter)
    flash(_("The response no longer answers delivery %(id)d.", id=delivery_id), "success")
    return _back(form, response)


def candidate_deliveries(response):
    """Deliveries to the same recipient this response does not answer yet, newest first."""
    if response.recipient_id is None or response.delivery_id is None:
        return []
    return db.session.scalars(
        sa.select(Delivery)
        .where(Delivery.recipient_id == response.recipient_id, Delivery.id.not_in(response.delivery_ids))
        .order_by(Delivery.id.desc())
        .limit(50)
    ).all()
