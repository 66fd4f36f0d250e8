"""Public campaign pages, and the staff pages for campaigns."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import campaign_access, role_required, staff_required
from app.auth.permissions import visible_to
from app.campaigns.dashboard import campaign_dashboard
from app.campaigns.forms import CampaignForm
from app.campaigns.labels import STATUS_LABELS
from app.campaigns.models import Campaign, CampaignStatus
from app.campaigns.public import campaign_page_data
from app.campaigns.services import create_campaign
from app.core.attention import attention, letters_needing_you
from app.core.errors import DomainError
from app.core.i18n import current_language
from app.deliveries.labels import DELIVERY_STATUS_LABELS
from app.documents.public import download_states
from app.extensions import db
from app.letters.workflow import STATUS_LABELS as LETTER_LABELS
from app.signatures.labels import LABELS as SIGNATURE_LABELS
from app.timeline.labels import STATE_LABELS as CLOCK_LABELS
from app.timeline.labels import explain_clock

bp = Blueprint("campaigns", __name__)


@bp.route("/")
def index():
    campaigns = db.session.scalars(
        sa.select(Campaign).where(Campaign.status != CampaignStatus.ARCHIVED).order_by(Campaign.id.desc())
    ).all()
    return render_template("campaigns/index.html", campaigns=campaigns)


@bp.route("/c/<slug>")
def show(slug):
    lang = current_language()
    page = campaign_page_data(slug, lang)
    if page is None:
        abort(404)
    html = render_template(
        "campaigns/show.html",
        page=page,
        downloads=download_states(page["letters"]),
    )
    response = make_response(html)
    if not current_user.is_authenticated:
        # Readers far outnumber signers: let browsers and proxies keep the page briefly.
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["PUBLIC_CACHE_SECONDS"]
    return response


@bp.route("/staff/")
@staff_required
def staff_index():
    campaigns = db.session.scalars(
        sa.select(Campaign).where(visible_to(current_user, Campaign.id)).order_by(Campaign.id.desc())
    ).all()
    return render_template(
        "campaigns/staff_index.html",
        campaigns=campaigns,
        waiting=attention(fresh=True),
        letters_needing_you=letters_needing_you(),
        status_labels=STATUS_LABELS,
    )


@bp.route("/staff/campaigns/new", methods=["GET", "POST"])
@role_required("editor")
def new():
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            campaign = create_campaign(
                form.slug.data, form.title_en.data, form.title_ko.data, actor=current_user
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
            for key, message in error.fields.items():
                field = getattr(form, key.replace(".", "_"), None) or form.title_en
                field.errors = [*field.errors, str(message)]
        else:
            db.session.commit()
            flash(_("The campaign is created."), "info")
            return redirect(url_for("campaigns.staff_show", campaign_id=campaign.id))
    status = 422 if form.form_errors else 200
    return render_template("campaigns/new.html", form=form), status


@bp.route("/staff/campaigns/<int:campaign_id>")
@campaign_access("viewer")
def staff_show(campaign_id):
    campaign = db.get_or_404(Campaign, campaign_id)
    return render_template(
        "campaigns/staff_show.html",
        campaign=campaign,
        board=campaign_dashboard(campaign),
        signature_labels=SIGNATURE_LABELS,
        letter_labels=LETTER_LABELS,
        delivery_labels=DELIVERY_STATUS_LABELS,
        clock_labels=CLOCK_LABELS,
        explain_clock=explain_clock,
        letter_status_labels=LETTER_LABELS,
    )
