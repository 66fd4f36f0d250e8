"""API: campaigns."""

import sqlalchemy as sa
from flask import g, request, url_for
from flask_babel import gettext as _

from app.api import bp
from app.api.auth import bilingual, json_body, token_required
from app.campaigns.models import Campaign
from app.campaigns.services import create_campaign
from app.core.errors import NotFound, ValidationError
from app.core.pagination import paginate
from app.extensions import db


def campaign_json(campaign):
    return {
        "id": campaign.id,
        "slug": campaign.slug,
        "title": {"en": campaign.title_en, "ko": campaign.title_ko},
        "status": str(campaign.status),
        "is_demo": campaign.is_demo,
        "created_at": campaign.created_at.isoformat(),
        "url": url_for("campaigns.show", slug=campaign.slug, _external=True),
    }


def page_json(page, items):
    return {
        "items": items,
        "page": page.number,
        "per_page": page.per_page,
        "total": page.total,
    }


@bp.get("/campaigns")
@token_required("viewer")
def list_campaigns():
    page = paginate(sa.select(Campaign).order_by(Campaign.id), request.args.get("page"))
    return page_json(page, [campaign_json(c) for c in page.items])


@bp.post("/campaigns")
@token_required("editor")
def post_campaign():
    data = json_body()
    slug = data.get("slug")
    if slug is not None and not isinstance(slug, str):
        raise ValidationError(_("slug must be a string."), fields={"slug": _("Wrong type.")})
    title_en, title_ko = bilingual(data, "title")
    campaign = create_campaign(slug, title_en, title_ko, actor=g.api_user)
    db.session.commit()
    return (
        campaign_json(campaign),
        201,
        {"Location": url_for("api.get_campaign", campaign_id=campaign.id)},
    )


@bp.get("/campaigns/<int:campaign_id>")
@token_required("viewer")
def get_campaign(campaign_id):
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_("No campaign with this id."))
    return campaign_json(campaign)
