"""Recipient services: check and save a recipient record."""

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import ValidationError
from app.core.text import clean_text, text_problem
from app.extensions import db
from app.recipients.models import Recipient, RecipientKind

LIMITS = {"name": 200, "addressee": 200, "address": 1000}


def clean_recipient(data):
    cleaned, fields = {}, {}
    for part, limit in LIMITS.items():
        for lang in ("en", "ko"):
            key = f"{part}_{lang}"
            value = clean_text(data.get(key) or "", multiline=part == "address")
            if problem := text_problem(value, limit):
                fields[key] = problem
            cleaned[key] = value
    if not cleaned["name_en"] and not cleaned["name_ko"]:
        fields["name_en"] = _l("Enter a name in English or Korean.")
    try:
        cleaned["kind"] = RecipientKind(data.get("kind") or "organization")
    except ValueError:
        fields["kind"] = _l("Choose a kind from the list.")
    country = clean_text(data.get("country") or "").upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        fields["country"] = _l("Use the two-letter country code, e.g. UA or KR.")
    cleaned["country"] = country
    emails = [e.strip() for e in (data.get("emails") or "").splitlines() if e.strip()]
    for email in emails:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            fields["emails"] = _l("%(email)s is not a valid email address.", email=email)
    cleaned["emails"] = emails
    for key, limit in (("fax", 40), ("portal_url", 300), ("notes", 5000)):
        value = clean_text(data.get(key) or "", multiline=key == "notes")
        if problem := text_problem(value, limit):
            fields[key] = problem
        cleaned[key] = value
    if cleaned["portal_url"] and not cleaned["portal_url"].startswith(("https://", "http://")):
        fields["portal_url"] = _l("Enter a web address starting with https://")
    cleaned["preferred_language"] = "ko" if data.get("preferred_language") == "ko" else "en"
    if fields:
        raise ValidationError(_l("Some fields need attention."), fields=fields)
    return cleaned


def save_recipient(recipient, data, actor=None):
    cleaned = clean_recipient(data)
    created = recipient is None
    recipient = recipient or Recipient()
    for key, value in cleaned.items():
        setattr(recipient, key, value)
    db.session.add(recipient)
    db.session.flush()
    audit.record("recipient.create" if created else "recipient.update", recipient, actor=actor)
    return recipient
