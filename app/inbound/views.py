"""The holding pen (/staff/inbound): held messages, why they are held, best guesses, assign or discard."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import role_required
from app.auth.permissions import can, visible_to
from app.deliveries.models import Delivery
from app.extensions import db
from app.inbound.filing import assign_message, discard_message, move_message, readable
from app.inbound.forms import AssignForm, DiscardForm
from app.inbound.guessing import guesses
from app.inbound.models import InboundMessage, InboundStatus
from app.inbound.receipt_numbers import reference_numbers
from app.letters.models import Letter

bp = Blueprint("inbound", __name__, url_prefix="/staff/inbound")

#: Held messages shown on one page, the oldest first.
PAGE_SIZE = 50


#: Filed messages listed below the held ones, the latest first.
RECENT_FILED = 20


def _held(inbound_id, status=InboundStatus.HELD):
    inbound = db.session.get(InboundMessage, inbound_id, with_for_update=True)
    if inbound is None or inbound.status != status:
        abort(404)
    return inbound


def _chosen_delivery(form):
    """The delivery the posted form names, or None (with the error flashed)."""
    if not form.validate_on_submit():
        flash(_("Choose the delivery this message answers."), "error")
        return None
    delivery = db.session.get(Delivery, form.delivery_id.data)
    if delivery is None or not can(current_user, "edit", delivery.letter.campaign_id):
        # A delivery of a campaign this user does not edit is not revealed either.
        flash(_("There is no delivery with that number."), "error")
        return None
    return delivery


@bp.get("")
@role_required("editor")
def index():
    held = db.session.scalars(
        sa.select(InboundMessage)
        .where(InboundMessage.status == InboundStatus.HELD)
        .order_by(InboundMessage.received_at, InboundMessage.id)
        .limit(PAGE_SIZE)
    ).all()
    entries = []
    for inbound in held:
        parsed = readable(inbound)
        numbers = reference_numbers(parsed.text) if parsed else []
        entries.append({"message": inbound, "parsed": parsed, "guesses": guesses(parsed), "numbers": numbers})
    filed = db.session.scalars(
        sa.select(InboundMessage)
        .join(Delivery, InboundMessage.delivery_id == Delivery.id)
        .join(Letter, Delivery.letter_id == Letter.id)
        .where(InboundMessage.status == InboundStatus.FILED, InboundMessage.response_id.is_not(None))
        .where(visible_to(current_user, Letter.campaign_id, "editor"))
        .order_by(InboundMessage.filed_at.desc(), InboundMessage.id.desc())
        .limit(RECENT_FILED)
    ).all()
    return render_template(
        "inbound/index.html",
        entries=entries,
        filed=filed,
        assign_form=AssignForm(),
        discard_form=DiscardForm(),
        can_edit=True,
    )


@bp.post("/<int:inbound_id>/assign")
@role_required("editor")
def assign(inbound_id):
    delivery = _chosen_delivery(AssignForm())
    if delivery is None:
        return redirect(url_for(".index"))
    assign_message(_held(inbound_id), delivery, current_user)
    db.session.commit()
    flash(_("The message is filed as a response to delivery %(id)d.", id=delivery.id), "success")
    return redirect(url_for(".index"))


@bp.post("/<int:inbound_id>/move")
@role_required("editor")
def move(inbound_id):
    delivery = _chosen_delivery(AssignForm())
    if delivery is None:
        return redirect(url_for(".index"))
    inbound = _held(inbound_id, InboundStatus.FILED)
    if inbound.delivery is not None and not can(current_user, "edit", inbound.delivery.letter.campaign_id):
        abort(404)
    move_message(inbound, delivery, current_user)
    db.session.commit()
    flash(_("The message and its response now belong to delivery %(id)d.", id=delivery.id), "success")
    return redirect(url_for(".index"))


@bp.post("/<int:inbound_id>/discard")
@role_required("editor")
def discard(inbound_id):
    if not DiscardForm().validate_on_submit():
        abort(400)
    discard_message(_held(inbound_id), current_user)
    db.session.commit()
    flash(_("The message is discarded; its raw source is kept."), "success")
    return redirect(url_for(".index"))
