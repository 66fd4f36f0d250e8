"""Recipient services: create, update and search the registry. They flush and never commit."""

import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import ValidationError
from app.core.pagination import paginate
from app.core.text import clean_text
from app.extensions import db
from app.recipients.models import Recipient, RecipientKind, RecipientTag
from app.recipients.validation import FIELDS, clean_recipient
from app.signatures.normalize import name_keys, stored_name_key

log = logging.getLogger(__name__)

PER_PAGE = 50
#: What the search box looks in: names and addressees in both languages, never contact data.
_SEARCHED = (Recipient.name_en, Recipient.name_ko, Recipient.addressee_en, Recipient.addressee_ko)


def recipient_data(recipient):
    """The recipient's fields as clean_recipient() gives them: plain strings and lists."""
    data = {key: getattr(recipient, key) for key in FIELDS}
    data["kind"] = str(recipient.kind)
    data["preferred_language"] = str(recipient.preferred_language)
    data["emails"] = list(recipient.emails or [])
    return data


def find_by_name(name_en, name_ko):
    """The recipients whose name in either language matches either given name (case, spacing ignored)."""
    keys = name_keys(name_en, name_ko)
    if not keys:
        return []
    query = sa.select(Recipient).where(sa.or_(*(Recipient.name_key.contains(f"|{k}|") for k in keys)))
    return list(db.session.scalars(query.order_by(Recipient.id)))


def _ensure_unique_name(cleaned, own_id):
    fields = {}
    for key in ("name_en", "name_ko"):
        others = [r for r in find_by_name(cleaned[key], "") if r.id != own_id]
        if others:
            fields[key] = _l("Another recipient already has this name: %(name)s.", name=others[0].name("en"))
    if fields:
        raise ValidationError(_l("Some fields need attention."), fields=fields)


def _set_tags(recipient, tags):
    kept = {row.name: row for row in recipient.tag_rows}
    recipient.tag_rows = [kept.get(tag) or RecipientTag(name=tag) for tag in tags]


def _apply(recipient, cleaned):
    for key, value in cleaned.items():
        if key == "tags":
            _set_tags(recipient, value)
        else:
            setattr(recipient, key, value)
    recipient.name_key = stored_name_key(recipient.name_en, recipient.name_ko)


def create_recipient(data, actor, is_demo=False):
    """A new recipient from `data` (FIELDS; lists as lists or text); ValidationError names bad fields."""
    cleaned = clean_recipient(data)
    _ensure_unique_name(cleaned, None)
    recipient = Recipient(is_demo=is_demo)
    _apply(recipient, cleaned)
    db.session.add(recipient)
    db.session.flush()
    audit.record("recipient.create", recipient, actor=actor)
    log.info("recipient %s created", recipient.id)
    return recipient


def planned_update(recipient, data):
    """(cleaned fields, names of the fields that would change) when `data` is applied; writes nothing.

    Fields missing from `data` keep their current values.
    """
    current = recipient_data(recipient)
    cleaned = clean_recipient({**current, **data})
    return cleaned, [key for key in FIELDS if cleaned[key] != current[key]]


def _json_safe(value):
    return value if value is None or isinstance(value, (str, int, float, bool, list, dict)) else str(value)


def update_recipient(recipient, data, actor):
    """Apply `data` (some or all FIELDS) to the recipient; an update that changes nothing writes nothing."""
    cleaned, changed = planned_update(recipient, data)
    if not changed:
        return recipient
    before = recipient_data(recipient)
    _ensure_unique_name(cleaned, recipient.id)
    _apply(recipient, {key: cleaned[key] for key in changed})
    db.session.flush()
    audit.record(
        "recipient.update",
        recipient,
        actor=actor,
        fields=changed,
        before={k: _json_safe(before[k]) for k in changed},
        after={k: _json_safe(cleaned[k]) for k in changed},
    )
    log.info("recipient %s updated: %s", recipient.id, ", ".join(changed))
    return recipient


def _name_order(lang):
    first, second = (Recipient.name_en, Recipient.name_ko)
    if lang == "ko":
        first, second = second, first
    return sa.func.lower(sa.func.coalesce(sa.func.nullif(first, ""), second))


def search_query(q="", tag="", country="", kind="", lang="en"):
    """Recipients whose name or addressee contains `q`, with the tag, country and kind given."""
    query = sa.select(Recipient)
    if q := " ".join(clean_text(q or "").split()):
        query = query.where(sa.or_(*(column.icontains(q, autoescape=True) for column in _SEARCHED)))
    if tag := clean_text(tag or ""):
        query = query.where(Recipient.tag_rows.any(sa.func.lower(RecipientTag.name) == tag.lower()))
    if country := clean_text(country or "").upper():
        query = query.where(Recipient.country == country)
    if kind in set(RecipientKind):
        query = query.where(Recipient.kind == kind)
    return query.order_by(_name_order(lang), Recipient.id)


def search_recipients(q="", tag="", country="", kind="", lang="en", page=1, per_page=PER_PAGE):
    """One page (app.core.pagination.Page) of the registry, filtered as search_query() says."""
    return paginate(search_query(q, tag, country, kind, lang), page, per_page)


def tags_in_use():
    """Every tag some recipient has, in alphabetical order."""
    names = db.session.scalars(sa.select(RecipientTag.name).distinct())
    return sorted(set(names), key=str.lower)


def countries_in_use():
    """The country codes of the registry's addresses."""
    codes = db.session.scalars(sa.select(Recipient.country).where(Recipient.country != "").distinct())
    return sorted(codes)
