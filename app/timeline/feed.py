"""The Atom feed of a campaign's public timeline events, for the press: /c/<slug>/feed.atom."""

from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app

from app.campaigns.models import Campaign, CampaignStatus
from app.core.cache import get_cache
from app.core.i18n import current_language
from app.core.links import public_url
from app.core.page_cache import forget_pages
from app.core.timeutil import utcnow
from app.extensions import db
from app.timeline.public import event_data, public_events

ATOM = "http://www.w3.org/2005/Atom"
bp = Blueprint("timeline_feed", __name__)


def _key(slug, lang):
    return f"public:feed:{slug}:{lang}"


def forget_feed(campaign):
    get_cache().delete(*(_key(campaign.slug, lang) for lang in current_app.config["LANGUAGES"]))
    forget_pages(current_app)


def _entry_id(event):
    """A tag URI that never changes for the event (RFC 4151)."""
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"
    return f"tag:{host},{event.created_at:%Y-%m-%d}:status-event/{event.id}"


def _add(parent, tag, text=None, **attrs):
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def build_feed(campaign, lang):
    """The feed's XML text; ElementTree escapes every text and attribute."""
    page = public_url("campaigns.show", slug=campaign.slug, lang=lang)
    events = public_events(campaign.id)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": lang})
    _add(feed, "title", campaign.title(lang))
    _add(feed, "id", public_url("timeline_feed.feed", slug=campaign.slug, lang=lang))
    _add(feed, "link", href=page)
    _add(feed, "link", rel="self", href=public_url("timeline_feed.feed", slug=campaign.slug, lang=lang))
    updated = max((e.updated_at for e in events), default=campaign.created_at or utcnow())
    _add(feed, "updated", updated.isoformat())
    _add(_add(feed, "author"), "name", "Undersigned")
    for event in reversed(events):
        data = event_data(event, lang)
        entry = _add(feed, "entry")
        title = " · ".join(p for p in (data["label"], data["recipient"], data["title"]) if p)
        _add(entry, "title", title)
        _add(entry, "id", _entry_id(event))
        _add(entry, "updated", event.updated_at.isoformat())
        _add(entry, "published", f"{event.occurred_on.isoformat()}T00:00:00Z")
        _add(entry, "link", href=f"{page}#event-{event.id}")
        summary = data["description"]
        if data["reference"]:
            summary = f"{summary}\n{data['reference']}".strip()
        _add(entry, "summary", summary, type="text")
    ET.register_namespace("", ATOM)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")


@bp.get("/c/<slug>/feed.atom")
def feed(slug):
    lang = current_language()
    cache = get_cache()
    xml = cache.get(_key(slug, lang))
    if xml is None:
        campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == slug))
        if campaign is None or campaign.status == CampaignStatus.ARCHIVED:
            abort(404)
        xml = build_feed(campaign, lang)
        cache.set(_key(slug, lang), xml, current_app.config["PUBLIC_CACHE_SECONDS"])
    response = Response(xml, content_type="application/atom+xml; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["PUBLIC_CACHE_SECONDS"]
    return response
