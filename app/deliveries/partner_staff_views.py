"""Staff actions on a delivery through a partner: send its private link, revoke it, accept a report."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import campaign_access
from app.core.errors import DomainError
from app.deliveries.models import Channel, Delivery
from app.deliveries.partner_forms import PartnerLinkForm
from app.deliveries.partner_links import active_link, issue_link, revoke_link
from app.deliveries.partner_models import PartnerLink, PartnerReport
from app.deliveries.partner_reports import accept_report
from app.extensions import db
from app.mail.services import send_queued

bp = Blueprint("delivery_partner", __name__, url_prefix="/staff/deliveries")


def partner_panel(delivery):
    """What the delivery page shows of the partner: the links, the reports, the forms (editors)."""
    if delivery.channel != Channel.PARTNER:
        return None
    editor = current_user.has_role("editor")
    links = db.session.scalars(
        sa.select(PartnerLink).where(PartnerLink.delivery_id == delivery.id).order_by(PartnerLink.id.desc())
    ).all()
    reports = db.session.scalars(
        sa.select(PartnerReport).where(PartnerReport.delivery_id == delivery.id).order_by(PartnerReport.id)
    ).all()
    form = PartnerLinkForm(formdata=None, partner_name=delivery.partner_name)
    return {
        "editor": editor,
        "links": links,
        "active": active_link(delivery),
        "reports": reports,
        "form": form if editor else None,
    }


@bp.app_context_processor
def _partner_helpers():
    return {"partner_panel": partner_panel}


def _back(delivery_id):
    return redirect(url_for("deliveries.show", delivery_id=delivery_id))


@bp.post("/<int:delivery_id>/partner-link")
@campaign_access("editor")
def send_link(delivery_id):
    delivery = db.get_or_404(Delivery, delivery_id)
    form = PartnerLinkForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        link = issue_link(delivery, form.email.data, form.partner_name.data, current_user)
    except DomainError as error:
        db.session.rollback()
        messages = [str(error.message), *(str(m) for m in error.fields.values())]
        flash(" ".join(messages), "error")
        return _back(delivery_id)
    message_id = link.outbox_message_id
    db.session.commit()
    send_queued(message_id)
    flash(_("The private link is sent to the partner."), "info")
    return _back(delivery_id)


@bp.post("/<int:delivery_id>/partner-link/<int:link_id>/revoke")
@campaign_access("editor")
def revoke(delivery_id, link_id):
    link = db.session.get(PartnerLink, link_id)
    if link is None or link.delivery_id != delivery_id or not PartnerLinkForm().validate_on_submit():
        abort(404 if link is None or link.delivery_id != delivery_id else 400)
    revoke_link(link, current_user)
    db.session.commit()
    flash(_("The partner's link is revoked. You can send a new one."), "info")
    return _back(delivery_id)


@bp.post("/<int:delivery_id>/partner-reports/<int:report_id>/accept")
@campaign_access("editor")
def accept(delivery_id, report_id):
    report = db.session.get(PartnerReport, report_id)
    if report is None or report.delivery_id != delivery_id:
        abort(404)
    if not PartnerLinkForm().validate_on_submit():
        abort(400)
    try:
        accept_report(report, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(delivery_id)
    db.session.commit()
    flash(_("The partner's report is accepted into the records."), "info")
    return _back(delivery_id)
