"""API: campaigns."""

import sqlalchemy as sa
from flask import g, request, url_for
from flask_babel import gettext as _

from app.api import bp
from app.api.auth import bilingual, json_body, token_required
from app.api.openapi import PAGE_PARAM, error_responses, json_response, page_of, path_id, ref, request_body
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


SCHEMAS = {
    "Campaign": {
        "type": "object",
        "required": ["id", "slug", "title", "status", "is_demo", "created_at", "url"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "title": ref("Bilingual"),
            "status": {"type": "string", "enum": ["active", "resolved", "archived"]},
            "is_demo": {"type": "boolean"},
            "created_at": {"type": "string", "format": "date-time"},
            "url": {"type": "string", "format": "uri"},
        },
    },
    "CampaignInput": {
        "type": "object",
        "required": ["slug", "title"],
        "properties": {
            "slug": {"type": "string", "maxLength": 80, "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"},
            "title": {
                "type": "object",
                "description": "At least one of en and ko; each at most 200 characters.",
                "properties": {
                    "en": {"type": "string", "maxLength": 200},
                    "ko": {"type": "string", "maxLength": 200},
                },
            },
        },
    },
    "CampaignPage": page_of("Campaign"),
}

PATHS = {
    "/campaigns": {
        "get": {
            "operationId": "listCampaigns",
            "summary": "List campaigns",
            "parameters": [PAGE_PARAM],
            "responses": {
                "200": json_response("CampaignPage", "A page of campaigns"),
                **error_responses(401),
            },
        },
        "post": {
            "operationId": "createCampaign",
            "summary": "Create a campaign (editor or admin)",
            "requestBody": request_body("CampaignInput"),
            "responses": {
                "201": json_response("Campaign", "The new campaign"),
                **error_responses(400, 401, 403, 409, 422),
            },
        },
    },
    "/campaigns/{campaign_id}": {
        "parameters": [path_id("campaign_id")],
        "get": {
            "operationId": "getCampaign",
            "summary": "One campaign",
            "responses": {"200": json_response("Campaign", "The campaign"), **error_responses(401, 404)},
        },
    },
}
