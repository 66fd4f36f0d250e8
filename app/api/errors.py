"""The API's JSON errors: their schema, and refused input turned into them, named by input."""

import re
from contextlib import contextmanager

from flask_babel import gettext as _
from marshmallow import fields as ma_fields
from webargs.flaskparser import FlaskParser

from app.api.fields import Schema
from app.core.errors import DomainError, ValidationError

#: A service's name for one language of a bilingual input ("body_ko") and the API's ("body.ko").
_SERVICE_KEY = re.compile(r"^(?P<part>[a-z_]+?)_(?P<lang>en|ko)$")


class ErrorDetail(Schema):
    code = ma_fields.String(required=True, metadata={"description": "Stable, for programs"})
    message = ma_fields.String(required=True, metadata={"description": "For people, in their language"})
    named_fields = ma_fields.Dict(
        data_key="fields",
        keys=ma_fields.String(),
        values=ma_fields.String(),
        required=True,
        metadata={"description": "What is wrong with each refused input, keyed by its name, e.g. title.en"},
    )


class Error(Schema):
    error = ma_fields.Nested(ErrorDetail, required=True)


DESCRIPTIONS = {
    400: "Malformed request",
    401: "Missing or invalid token",
    403: "Role not allowed",
    404: "Not found",
    409: "Conflict with the current state or data",
    413: "Too large",
    422: "Validation failed",
    429: "Too many requests",
}


def flat_fields(messages, prefix=""):
    """{"title": {"en": ["Too long."]}} as {"title.en": "Too long."}; an object's own error at its name."""
    flat = {}
    for key, value in messages.items():
        name = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flat_fields(value, name))
        else:
            flat.setdefault(name or "body", str(value[0] if isinstance(value, list) else value))
    return flat


@contextmanager
def named_as_inputs(bilingual, renamed=None):
    """A service's refusal with its field names as the API's input names (body_ko -> body.ko)."""
    try:
        yield
    except DomainError as error:
        error.fields = {_input_name(key, bilingual, renamed or {}): v for key, v in error.fields.items()}
        raise


def _input_name(key, bilingual, renamed):
    if key in renamed:
        return renamed[key]
    match = _SERVICE_KEY.match(key)
    if match and match["part"] in bilingual:
        return f"{match['part']}.{match['lang']}"
    return key


class Parser(FlaskParser):
    """webargs parsing that refuses a body that is not a JSON object and names each bad input."""

    def load_json(self, req, schema):
        data = req.get_json(silent=True) if req.is_json else None
        if not isinstance(data, dict):
            raise ValidationError(_("The request body must be a JSON object."), code="invalid_json")
        return data

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        named = {}
        for messages in error.messages.values():  # webargs files them under their location
            named.update(flat_fields(messages if isinstance(messages, dict) else {"_schema": messages}))
        raise ValidationError(_("Some fields need attention."), fields=named)
