"""The API's flask-smorest set-up: the OpenAPI document is generated from the schemas that validate."""

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from flask_smorest import Api

from app.api.errors import Error
from app.core.converters import BoundedIntConverter

DESCRIPTION = (
    "Campaigns, letters, signatures and their documents. Authenticate with "
    "`Authorization: Bearer TOKEN` (create one with `flask users token EMAIL`). "
    'Every error answers {"error": {"code", "message", "fields"}}, in the language of '
    "Accept-Language (English or Korean); `fields` names each refused input, e.g. `title.en`."
)

SETTINGS = {
    "API_TITLE": "Undersigned API",
    "API_VERSION": "1.0.0",
    "OPENAPI_VERSION": "3.1.0",
    # The document is served by our own view (app.api.docs), documented like every other route.
    "OPENAPI_URL_PREFIX": None,
    "API_SPEC_OPTIONS": {
        "info": {"description": DESCRIPTION},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    },
}


class Converter(OpenAPIConverter):
    """Also writes a schema's `Meta.json_schema` (e.g. "English or Korean required") into the document."""

    def schema2jsonschema(self, schema):
        jsonschema = super().schema2jsonschema(schema)
        extra = getattr(getattr(schema, "Meta", None), "json_schema", None)
        return {**jsonschema, **extra} if extra else jsonschema


class Plugin(MarshmallowPlugin):
    Converter = Converter


class UndersignedApi(Api):
    """Errors keep the app's own JSON shape (app.core.error_pages), so no handler of flask-smorest's."""

    ERROR_SCHEMA = Error
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        pass


def bounded_id(converter):
    return {"type": "integer", "minimum": max(1, converter.min or 0), "maximum": converter.max}


def init_api(app, blueprint):
    """Register the API blueprint with its generated OpenAPI document."""
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = UndersignedApi(spec_kwargs={"marshmallow_plugin": Plugin()})
    api.register_converter(BoundedIntConverter, bounded_id)
    api.init_app(app)
    api.register_blueprint(blueprint)
    return api
