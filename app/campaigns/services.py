"""Campaign services."""

import logging
import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.auth.memberships import grant_creator
from app.campaigns.models import Campaign
from app.core import audit
from app.core.errors import Conflict, ValidationError
from app.core.text import check_text
from app.extensions import db

log = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80
TITLE_MAX = 200


def validate_campaign(slug, title_en, title_ko):
    """Return the cleaned values, or raise ValidationError naming every bad field."""
    slug = (slug or "").strip()
    fields = {}
    titles = {}
    for lang, title in (("en", title_en), ("ko", title_ko)):
        titles[lang], problem = check_text(title or "", TITLE_MAX)
        if problem:
            fields[f"title.{lang}"] = problem
    title_en, title_ko = titles["en"], titles["ko"]
    if not slug:
        fields["slug"] = _l("Enter a short name for the address, e.g. free-will-of-pows.")
    elif len(slug) > SLUG_MAX:
        fields["slug"] = _l("At most %(n)d characters.", n=SLUG_MAX)
    elif not SLUG_RE.match(slug):
        fields["slug"] = _l("Use lower-case letters, digits and single hyphens only.")
    if not title_en and not title_ko and not {"title.en", "title.ko"} & set(fields):
        fields["title"] = _l("Enter a title in English or Korean.")
    if fields:
        raise ValidationError(_l("Some fields need attention."), fields=fields)
    return slug, title_en, title_ko


def create_campaign(slug, title_en, title_ko, actor=None):
    slug, title_en, title_ko = validate_campaign(slug, title_en, title_ko)
    if db.session.scalar(sa.select(Campaign.id).where(Campaign.slug == slug)):
        raise Conflict(
            _l("A campaign with the address %(slug)s already exists.", slug=slug),
            fields={"slug": _l("Already taken.")},
        )
    campaign = Campaign(
        slug=slug,
        title_en=title_en,
        title_ko=title_ko,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(campaign)
    db.session.flush()
    audit.record("campaign.create", campaign, actor=actor, campaign=campaign)
    grant_creator(campaign, actor)
    log.info("created campaign %s", slug)
    return campaign
