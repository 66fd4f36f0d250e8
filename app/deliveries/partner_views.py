"""The partner's own page for its delivery, reached by its private link: no account, GET only shows."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core.errors import DomainError
from app.core.i18n import page_language
from app.deliveries.partner_forms import PartnerReportForm
from app.deliveries.partner_links import read_link
from app.deliveries.partner_models import PartnerReport
from app.deliveries.partner_reports import record_report
from app.deliveries.proofs import check_proof
from app.extensions import db, limiter

bp = Blueprint("partner", __name__, url_prefix="/partner")


def _receipt(form):
    upload = form.receipt.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    limit = current_app.config["PROOF_MAX_BYTES"]
    return check_proof(upload.stream.read(limit + 1), upload.filename, field="receipt")


def _page(token, link, lang, form, error=None, status=200):
    reports = (
        db.session.query(PartnerReport).filter_by(delivery_id=link.delivery_id).order_by(PartnerReport.id)
    )
    with force_locale(lang):
        page = render_template(
            "partner/show.html",
            token=token,
            link=link,
            delivery=link.delivery,
            document=link.delivery.document,
            reports=reports.all(),
            form=form,
            error=error,
            lang=lang,
        )
    return page, status


@bp.get("/<token>")
def show(token):
    link = read_link(token)
    return _page(token, link, page_language(link.delivery.language), PartnerReportForm(formdata=None))


@bp.post("/<token>")
@limiter.limit("30 per hour")
def report(token):
    link = read_link(token)
    lang = page_language(link.delivery.language)
    form = PartnerReportForm()
    with force_locale(lang):
        if not form.validate():
            return _page(
                token, link, lang, form, _("This form has expired. Reload the page and try again."), 400
            )
        try:
            data = {
                key: form[key].data
                for key in ("dispatched_on", "delivered_on", "received_by", "delivered_by", "note")
            }
            record_report(link, data, proof=_receipt(form), lang=lang)
        except DomainError as error:
            db.session.rollback()
            link = read_link(token)
            for key, message in error.fields.items():
                if key in form:
                    form[key].errors = [*form[key].errors, str(message)]
            return _page(token, link, lang, form, str(error.message), error.status)
        db.session.commit()
        flash(_("Thank you. The coalition will review what you entered."), "info")
    return redirect(url_for(".show", token=token, lang=lang))
