"""Checking a recipient record from the staff form, an import row or the API."""

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from app.core.errors import ValidationError
from app.core.text import clean_text, text_problem
from app.recipients.models import RecipientKind
from app.signatures.validation import COUNTRIES

#: Every field of a recipient record, in the order of the form and of the CSV file.
FIELDS = (
    "kind",
    "name_en",
    "name_ko",
    "addressee_en",
    "addressee_ko",
    "address_en",
    "address_ko",
    "country",
    "emails",
    "fax",
    "portal_url",
    "preferred_language",
    "contact_name",
    "contact_email",
    "contact_phone",
    "tags",
    "notes",
)
#: The fields only editors see: how to reach the recipient and the people there.
CONTACT_FIELDS = ("emails", "fax", "contact_name", "contact_email", "contact_phone")
#: Text fields and their longest length; the multi-line ones keep their line breaks.
TEXT_LIMITS = {
    "name_en": 200,
    "name_ko": 200,
    "addressee_en": 200,
    "addressee_ko": 200,
    "contact_name": 200,
    "notes": 5000,
}
MULTILINE = {"address_en", "address_ko", "notes"}
ADDRESS_LIMIT, ADDRESS_LINES = 1000, 10
MAX_EMAILS, MAX_TAGS, TAG_LIMIT = 10, 20, 40
_PHONE = re.compile(r"\+?[0-9 ()./-]+")
_URL = re.compile(r"https?://[^\s<>\"'/]+\.[^\s<>\"']+")


def split_list(value, separators=r"[\n,]+"):
    """A list given as a list, or as text with one item a line or items separated by commas."""
    if isinstance(value, list | tuple):
        return list(value)
    return re.split(separators, value or "")


def _string(data, key, fields):
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        fields[key] = _l("Wrong type.")
        return ""
    return value


def _text(data, key, fields, limit):
    multiline = key in MULTILINE
    value = clean_text(_string(data, key, fields), multiline=multiline)
    if not multiline:
        value = " ".join(value.split())
    if key not in fields and (problem := text_problem(value, limit)):
        fields[key] = problem
    return value


def _address(data, key, fields):
    lines = [line.strip() for line in _text(data, key, fields, ADDRESS_LIMIT).split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > ADDRESS_LINES and key not in fields:
        fields[key] = _l("At most %(n)d lines.", n=ADDRESS_LINES)
    return "\n".join(lines)


def _email(value):
    """The normalized address, or None when it is not one."""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _emails(data, fields):
    raw = data.get("emails")
    items = split_list(raw, r"[\s,;]+") if raw is None or isinstance(raw, str | list | tuple) else None
    if items is None or not all(isinstance(item, str) for item in items):
        fields["emails"] = _l("Wrong type.")
        return []
    emails, bad = [], []
    for item in (clean_text(item) for item in items):
        if item and (email := _email(item)) is None:
            bad.append(item)
        elif item and email.lower() not in {e.lower() for e in emails}:
            emails.append(email)
    if bad:
        fields["emails"] = _l("Not a valid email address: %(emails)s", emails=", ".join(bad))
    elif len(emails) > MAX_EMAILS:
        fields["emails"] = _l("At most %(n)d email addresses.", n=MAX_EMAILS)
    return emails


def _tags(data, fields):
    raw = data.get("tags")
    items = split_list(raw) if raw is None or isinstance(raw, str | list | tuple) else None
    if items is None or not all(isinstance(item, str) for item in items):
        fields["tags"] = _l("Wrong type.")
        return []
    tags = {}
    for tag in (" ".join(clean_text(item).split()) for item in items):
        if problem := text_problem(tag, TAG_LIMIT):
            fields["tags"] = _l("Tag “%(tag)s”: %(problem)s", tag=tag[:TAG_LIMIT], problem=problem)
        elif tag:
            tags.setdefault(tag.lower(), tag)
    if len(tags) > MAX_TAGS and "tags" not in fields:
        fields["tags"] = _l("At most %(n)d tags.", n=MAX_TAGS)
    return sorted(tags.values(), key=str.lower)


def _phone(data, key, fields):
    value = _text(data, key, fields, 40)
    digits = sum(c.isdigit() for c in value)
    if value and key not in fields and (not _PHONE.fullmatch(value) or digits < 5):
        fields[key] = _l("Use digits, spaces and + - ( ) only, e.g. +380 44 123 4567.")
    return value


def _choices(data, fields, out):
    try:
        out["kind"] = RecipientKind(_string(data, "kind", fields) or RecipientKind.OTHER)
    except ValueError:
        fields["kind"] = _l("Choose a kind from the list.")
    out["country"] = clean_text(_string(data, "country", fields)).upper()
    if out["country"] and out["country"] not in COUNTRIES:
        fields["country"] = _l("Choose a country from the list.")
    out["preferred_language"] = clean_text(_string(data, "preferred_language", fields)).lower() or "en"
    if out["preferred_language"] not in ("en", "ko"):
        fields["preferred_language"] = _l("Choose English (en) or Korean (ko).")


def _contact(data, fields, out):
    out["fax"] = _phone(data, "fax", fields)
    out["contact_phone"] = _phone(data, "contact_phone", fields)
    contact_email = _text(data, "contact_email", fields, 254)
    if contact_email and "contact_email" not in fields:
        normalized = _email(contact_email)
        if normalized is None:
            fields["contact_email"] = _l("This is not a valid email address.")
        contact_email = normalized or contact_email
    out["contact_email"] = contact_email
    out["portal_url"] = _text(data, "portal_url", fields, 300)
    if out["portal_url"] and "portal_url" not in fields and not _URL.fullmatch(out["portal_url"]):
        fields["portal_url"] = _l("Enter a web address starting with https://")


def clean_recipient(data):
    """Every field of FIELDS cleaned, or ValidationError naming each bad field."""
    fields, out = {}, {}
    for key, limit in TEXT_LIMITS.items():
        out[key] = _text(data, key, fields, limit)
    if not out["name_en"] and not out["name_ko"] and not {"name_en", "name_ko"} & fields.keys():
        fields["name_en"] = _l("Enter a name in English or Korean (or both).")
    out["address_en"] = _address(data, "address_en", fields)
    out["address_ko"] = _address(data, "address_ko", fields)
    _choices(data, fields, out)
    _contact(data, fields, out)
    out["emails"] = _emails(data, fields)
    out["tags"] = _tags(data, fields)
    if fields:
        raise ValidationError(_l("Some fields need attention."), fields=fields)
    return {key: out[key] for key in FIELDS}
