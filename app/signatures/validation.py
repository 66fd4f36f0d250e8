"""Checking a sign-on from the public form, the staff form, an import row or the API."""

import functools
import re

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from app.core.errors import ValidationError
from app.core.text import clean_text, text_problem
from app.signatures.models import Display, SignatoryKind
from app.signatures.normalize import clean_name

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
LIMITS = {"name": 200, "line": 300, "website": 300, "contact_name": 200}

#: CLDR region codes that are no country: unions, pseudo-locales, "unknown", outlying groups,
#: and the exceptionally reserved codes (Ascension, Ceuta and Melilla, Canary Islands...).
NOT_COUNTRIES = frozenset(
    ("EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "AC", "CP", "DG", "EA", "IC", "TA", "CQ")
)


def country_choices(lang):
    """(code, name) for every country, in the reader's language."""
    return list(_country_choices(lang))


@functools.lru_cache(maxsize=8)
def _country_choices(lang):
    # Built once per language: parsing the locale and sorting ~250 names cost milliseconds a request.
    names = Locale.parse(lang).territories
    codes = sorted(c for c in names if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES)
    return tuple(sorted(((c, names[c]) for c in codes), key=lambda pair: pair[1]))


COUNTRIES = {code for code, _name in country_choices("en")}


def _text(data, key, fields, limit, required_message=None):
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        fields[key] = _l("Wrong type.")
        return ""
    value = clean_name(value or "")
    if problem := text_problem(value, limit, one_line=True):
        fields[key] = problem
    elif required_message and not value:
        fields[key] = required_message
    return value


def clean_sign_on(data, require_email=True):
    """Cleaned signatory fields, or ValidationError naming each bad field."""
    fields, out = {}, {}
    try:
        out["kind"] = SignatoryKind(data.get("kind") or "")
    except ValueError:
        fields["kind"] = _l("Choose organization or individual.")
        out["kind"] = SignatoryKind.INDIVIDUAL
    out["name_en"] = _text(data, "name_en", fields, LIMITS["name"])
    out["name_ko"] = _text(data, "name_ko", fields, LIMITS["name"])
    if not out["name_en"] and not out["name_ko"] and "name_en" not in fields and "name_ko" not in fields:
        fields["name_en"] = _l("Enter a name in English or Korean (or both).")
    out.update(_lines(data, fields))
    out["country"] = (clean_text(data.get("country") or "")).upper()
    if out["country"] and out["country"] not in COUNTRIES:
        fields["country"] = _l("Choose a country from the list.")
    out["email"] = _email(data, fields, require_email)
    if out["kind"] == SignatoryKind.ORGANIZATION:
        out["contact_name"] = _text(data, "contact_name", fields, LIMITS["contact_name"])
        out["website"] = _website(data, fields)
    try:
        out["display"] = Display(data.get("display") or "full")
    except ValueError:
        fields["display"] = _l("Choose how your name is shown.")
    out["has_consented"] = data.get("consent") in (True, "y", "yes", "on", "1", "true")
    if not out["has_consented"]:
        fields["consent"] = _l("Please agree to have your signature published as you chose.")
    if fields:
        raise ValidationError(_l("Some fields need attention."), fields=fields)
    return out


def _lines(data, fields):
    """line_en and line_ko: `line` in English and `line_ko` beside it, or `line` alone in either language."""
    line = _text(data, "line", fields, LIMITS["line"])
    line_ko = _text(data, "line_ko", fields, LIMITS["line"])
    if line_ko:
        return {"line_en": line, "line_ko": line_ko}
    return {"line_ko" if _HANGUL.search(line) else "line_en": line}


def _email(data, fields, required):
    raw = data.get("email") or ""
    if not isinstance(raw, str):
        fields["email"] = _l("Wrong type.")
        return ""
    raw = clean_text(raw)
    if not raw:
        if required:
            fields["email"] = _l("Enter your email address: we send you a link to confirm.")
        return ""
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        fields["email"] = _l("This is not a valid email address.")
        return raw


def _website(data, fields):
    website = clean_text(data.get("website") or "")
    if text_problem(website, LIMITS["website"]):
        fields["website"] = text_problem(website, LIMITS["website"])
    elif website and not re.fullmatch(r"https?://[^\s<>\"']+\.[^\s<>\"']+", website):
        fields["website"] = _l("Enter a web address starting with https://")
    return website
