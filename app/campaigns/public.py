"""The public campaign page's data: built once, cached briefly, cleared when staff change it."""

import sqlalchemy as sa
from flask import current_app

from app.campaigns.models import Campaign, CampaignStatus
from app.core.cache import get_cache
from app.core.i18n import localized_date
from app.core.page_cache import forget_pages
from app.core.sanitizing import render_markdown
from app.core.timeutil import utcnow
from app.documents.public import public_document_keys
from app.extensions import db
from app.letters.models import PUBLIC_LETTER_STATUSES
from app.signatures.public import public_list
from app.timeline.public import public_timeline


def _key(slug, lang):
    return f"public:campaign:{slug}:{lang}"


def campaign_page_data(slug, lang):
    """Plain data for /c/<slug> in `lang`, or None when there is no such public campaign."""
    cache = get_cache()
    data = cache.get(_key(slug, lang))
    if data is None:
        data = build_campaign_page(slug, lang) or {"missing": True}
        cache.set(_key(slug, lang), data, current_app.config["PUBLIC_CACHE_SECONDS"])
    return None if data.get("missing") else data


def forget_campaign(campaign):
    get_cache().delete(*(_key(campaign.slug, lang) for lang in current_app.config["LANGUAGES"]))
    forget_pages(current_app)


def forget_letter(letter):
    forget_campaign(letter.campaign)


def _texts(version, lang):
    if version.text("body", lang) or version.text("title", lang):
        return version.texts(lang), lang
    other = "ko" if lang == "en" else "en"
    return version.texts(other), other


def build_campaign_page(slug, lang):
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == slug))
    if campaign is None or campaign.status == CampaignStatus.ARCHIVED:
        return None
    letters = []
    for letter in campaign.letters:
        version = letter.current_version
        if letter.status not in PUBLIC_LETTER_STATUSES or version is None:
            continue
        texts, text_lang = _texts(version, lang)
        signatures = public_list(letter, lang)
        letters.append(
            {
                "id": letter.id,
                "slug": letter.slug,
                "status": str(letter.status),
                "lang": text_lang,
                "version": version.number,
                "content_hash": version.content_hash,
                "date": localized_date(version.letter_date, lang),
                "texts": texts,
                "body_html": str(render_markdown(texts["body"])),
                "count": signatures["count"],
                # The list's date is when it was read, not a date written in the letter.
                "as_of": localized_date(utcnow().date(), lang),
                "signatories": signatures["signatories"],
                # Which PDFs are current; their states are read per request (campaigns.views).
                "document_keys": public_document_keys(letter),
            }
        )
    timeline, awaited = public_timeline(campaign.id, lang)
    return {
        "campaign": {
            "slug": campaign.slug,
            "title": campaign.title(lang),
            "summary": campaign.summary_ko if lang == "ko" else campaign.summary_en,
        },
        "letters": letters,
        "timeline": timeline,
        "awaited": awaited,
    }
