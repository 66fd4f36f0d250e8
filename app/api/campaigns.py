"""API: campaigns."""

import sqlalchemy as sa
from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from app.api import bp
from app.api.auth import token_required
from app.api.fields import (
    Integer,
    PageQuery,
    Schema,
    bilingual_input,
    bilingual_pair,
    page_of,
    text,
    url_field,
)
from app.auth.permissions import visible_to
from app.campaigns.models import Campaign, CampaignStatus
from app.campaigns.services import SLUG_MAX, SLUG_RE, TITLE_MAX, create_campaign
from app.core.errors import NotFound
from app.core.pagination import paginate
from app.extensions import db


class CampaignSchema(Schema):
    id = Integer(required=True)
    slug = fields.String(required=True)
    title = bilingual_pair("title")
    status = text(choices=CampaignStatus, required=True)
    is_demo = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    url = url_field(lambda c: url_for("campaigns.show", slug=c.slug, _external=True))


CampaignTitle = bilingual_input("CampaignTitle", TITLE_MAX, one_required=True)


class CampaignInputSchema(Schema):
    slug = text(
        SLUG_MAX,
        required=True,
        pattern=SLUG_RE.pattern,
        pattern_error=_l("Use lower-case letters, digits and single hyphens only."),
    )
    title = fields.Nested(CampaignTitle, required=True)


CampaignPageSchema = page_of(CampaignSchema, "CampaignPageSchema")


@bp.route("/campaigns", methods=["GET"])
@token_required("viewer")
@bp.arguments(PageQuery, location="query")
@bp.response(200, CampaignPageSchema)
def list_campaigns(query):
    """List campaigns"""
    visible = visible_to(g.api_user, Campaign.id)
    return paginate(sa.select(Campaign).where(visible).order_by(Campaign.id), query["page"])


@bp.route("/campaigns", methods=["POST"])
@token_required("editor")
@bp.arguments(CampaignInputSchema)
@bp.response(201, CampaignSchema)
@bp.errors(409)
def post_campaign(data):
    """Create a campaign (editor or admin)"""
    title = data["title"]
    campaign = create_campaign(data["slug"], title.get("en", ""), title.get("ko", ""), actor=g.api_user)
    db.session.commit()
    return campaign, 201, {"Location": url_for("api.get_campaign", campaign_id=campaign.id)}


@bp.route("/campaigns/<int:campaign_id>", methods=["GET"])
@token_required("viewer")
@bp.response(200, CampaignSchema)
@bp.errors(404)
def get_campaign(campaign_id):
    """One campaign"""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_("No campaign with this id."))
    return campaign
