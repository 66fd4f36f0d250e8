"""Marshmallow fields and schemas of the API: errors in the user's language, limits declared once."""

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from app.core.converters import MAX_ID

#: The highest page number a list accepts; past it no list of ours has rows.
PAGE_MAX = 100_000
LANGUAGES = ("en", "ko")
#: Matches a string without a NUL character (PostgreSQL text cannot hold one).
NO_NUL = "^[^\\x00]*$"


class Schema(ma.Schema):
    """Unknown fields are refused; the document says so (additionalProperties: false)."""

    error_messages = {
        "unknown": _l("Unknown field."),
        "type": _l("Wrong type: an object is expected."),
    }


class Text(fields.String):
    """A string that holds no NUL character."""

    default_error_messages = {
        "required": _l("Required."),
        "null": _l("May not be empty (null)."),
        "invalid": _l("Wrong type: text is expected."),
        "invalid_utf8": _l("Wrong type: text is expected."),
        "nul": _l("Remove the NUL characters from this text."),
        "surrogate": _l("This text holds characters that are not valid Unicode."),
    }

    def __init__(self, document_nul=True, **kwargs):
        if document_nul:  # an enum says enough
            kwargs.setdefault("metadata", {}).setdefault("pattern", NO_NUL)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in value:
            raise self.make_error("nul")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate such as "\ud800", which the database refuses
            raise self.make_error("surrogate") from None
        return value


class Integer(fields.Integer):
    default_error_messages = {
        "required": _l("Required."),
        "null": _l("May not be empty (null)."),
        "invalid": _l("Wrong type: a whole number is expected."),
        "too_large": _l("This number is too large."),
    }

    def __init__(self, **kwargs):
        super().__init__(strict=kwargs.pop("strict", True), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Date(fields.Date):
    default_error_messages = {
        "required": _l("Required."),
        "null": _l("May not be empty (null)."),
        "invalid": _l("Enter a date as YYYY-MM-DD."),
        "format": _l("Enter a date as YYYY-MM-DD."),
    }


class List(fields.List):
    default_error_messages = {
        "required": _l("Required."),
        "null": _l("May not be empty (null)."),
        "invalid": _l("Wrong type: a list is expected."),
    }


class Nested(fields.Nested):
    default_error_messages = {
        "required": _l("Required."),
        "null": _l("May not be empty (null)."),
        "type": _l("Wrong type: an object is expected."),
    }


def computed(field, getter):
    """`field` dumping getter(obj) rather than an attribute of obj; the document keeps its type."""
    field.get_value = lambda obj, attr, accessor=None, default=ma.missing: getter(obj)
    return field


def version_number(description):
    """The number of the letter version an object belongs to (through its `version`)."""
    return computed(
        Integer(required=True, metadata={"description": description}), lambda obj: obj.version.number
    )


def url_field(getter):
    return computed(fields.String(required=True, metadata={"format": "uri"}), getter)


def length(maximum, minimum=None):
    return validate.Length(min=minimum, max=maximum, error=_l("At most %(n)d characters.", n=maximum))


def one_of(choices):
    choices = [str(c) for c in choices]
    return validate.OneOf(choices, error=_l("Choose one of: %(choices)s.", choices=", ".join(choices)))


def text(maximum=None, choices=None, pattern=None, pattern_error=None, **kwargs):
    """A text field with its limit, its choices or its pattern, as enforced and as documented."""
    validators = []
    if maximum is not None:
        validators.append(length(maximum))
    if choices is not None:
        validators.append(one_of(choices))
    if pattern is not None:
        validators.append(validate.Regexp(pattern, error=pattern_error or _l("Wrong format.")))
        kwargs.setdefault("metadata", {})["pattern"] = pattern
    return Text(validate=validators, document_nul=choices is None, **kwargs)


def identifier(**kwargs):
    """An id: 1 .. 2^31-1, what an integer column holds."""
    return Integer(
        validate=validate.Range(min=1, max=MAX_ID, error=_l("Not an id: ids are 1 to %(n)d.", n=MAX_ID)),
        **kwargs,
    )


class Bilingual(Schema):
    """A text in English and Korean, as the API returns it."""

    en = Text(required=True)
    ko = Text(required=True)


def bilingual_pair(prefix):
    """The object's `<prefix>_en` and `<prefix>_ko` as one {"en", "ko"} value."""
    return computed(
        Nested(Bilingual, required=True),
        lambda obj: {lang: getattr(obj, f"{prefix}_{lang}") for lang in LANGUAGES},
    )


def bilingual_input(name, maximum, one_required=False, description=None):
    """A schema class for a bilingual input: each language at most `maximum` characters.

    With `one_required`, English or Korean (or both) must be given; the document says so.
    """

    def require_one(self, data, **kwargs):
        if not any((data.get(lang) or "").strip() for lang in LANGUAGES):
            raise ma.ValidationError(_l("Enter it in English or Korean (or both)."))

    attrs = {lang: text(maximum) for lang in LANGUAGES}
    json_schema = {"description": description or f"English and Korean, each at most {maximum} characters."}
    if one_required:
        attrs["require_one"] = ma.validates_schema(require_one)
        json_schema["description"] += " English or Korean required."
        json_schema["anyOf"] = [
            {"required": [lang], "properties": {lang: {"pattern": "\\S"}}} for lang in LANGUAGES
        ]
    attrs["Meta"] = type("Meta", (), {"json_schema": json_schema})
    return type(name, (Schema,), attrs)


class PageQuery(Schema):
    """?page=N on every list."""

    page = Integer(
        strict=False,
        load_default=1,
        validate=validate.Range(min=1, max=PAGE_MAX, error=_l("Pages are numbered 1 to %(n)d.", n=PAGE_MAX)),
        metadata={"description": "Page number, from 1"},
    )


def page_of(item_schema, name):
    """The schema of one page of a list: items, page, per_page, total."""
    return type(
        name,
        (Schema,),
        {
            "items": List(Nested(item_schema), required=True),
            "page": Integer(required=True, attribute="number", metadata={"minimum": 1}),
            "per_page": Integer(required=True),
            "total": Integer(required=True, metadata={"minimum": 0}),
        },
    )
