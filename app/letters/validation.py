"""Checking letter input from the editor and the API: every problem named per field."""

from datetime import date

from flask_babel import lazy_gettext as _l

from app.core.errors import ValidationError
from app.core.models import Language
from app.core.text import check_text
from app.letters.models import TEXT_LIMITS, TEXT_PARTS, LetterKind
from app.rendering.environment import template_exists

LANGS = ("en", "ko")
PLACE_MAX = 120
#: The parts written on several lines; every other part is one line (a title is a mail's subject).
MULTILINE_PARTS = ("body", "closing")


def clean_letter_input(data, partial=False):
    """Return cleaned letter fields from a flat dict ("body_en", "template", ...).

    With `partial`, only the keys present are checked (PATCH); otherwise missing text is empty.
    """
    cleaned, fields = {}, {}
    for part in TEXT_PARTS:
        for lang in LANGS:
            key = f"{part}_{lang}"
            if partial and key not in data:
                continue
            value = data.get(key) or ""
            if not isinstance(value, str):
                fields[key] = _l("Wrong type.")
                continue
            value, problem = check_text(
                value, TEXT_LIMITS[part], multiline=part in MULTILINE_PARTS, markdown=part == "body"
            )
            if problem:
                fields[key] = problem
            cleaned[key] = value
    for lang in LANGS:
        key = f"place_{lang}"
        if key in data or not partial:
            value = data.get(key) or ""
            if not isinstance(value, str):
                fields[key] = _l("Wrong type.")
            else:
                cleaned[key], problem = check_text(value, PLACE_MAX)
                if problem:
                    fields[key] = problem
    _clean_choices(data, cleaned, fields, partial)
    if not partial and not cleaned.get("title_en") and not cleaned.get("title_ko"):
        fields.setdefault("title_en", _l("Enter a title in English or Korean."))
    if fields:
        raise ValidationError(_l("Some fields need attention."), fields=fields)
    return cleaned


def _clean_choices(data, cleaned, fields, partial):
    if "template" in data or not partial:
        template = data.get("template") or "formal"
        if not isinstance(template, str) or not template_exists(template):
            fields["template"] = _l("There is no letter template with this name.")
        else:
            cleaned["template"] = template
    if "kind" in data:
        try:
            cleaned["kind"] = LetterKind(data["kind"])
        except ValueError:
            fields["kind"] = _l("Choose open letter or petition.")
    if "single_language" in data:
        value = data["single_language"] or None
        if value is not None and value not in LANGS:
            fields["single_language"] = _l("Choose English, Korean or both.")
        else:
            cleaned["single_language"] = Language(value) if value else None
    if "letter_date" in data:
        value = data["letter_date"]
        if value in (None, ""):
            cleaned["letter_date"] = None
        elif isinstance(value, date):
            cleaned["letter_date"] = value
        else:
            try:
                cleaned["letter_date"] = date.fromisoformat(str(value))
            except ValueError:
                fields["letter_date"] = _l("Enter a date as YYYY-MM-DD.")


def missing_for_opening(letter):
    """The parts a letter still lacks before it can open for signatures, as 'body_ko' style keys."""
    langs = (str(letter.single_language),) if letter.single_language else LANGS
    required = ("title", "body")
    return [f"{part}_{lang}" for lang in langs for part in required if not letter.text(part, lang).strip()]
