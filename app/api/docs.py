"""API: the OpenAPI document."""

from flask import url_for

from app.api import bp
from app.api.openapi import openapi_document


@bp.get("/openapi.json")
def openapi():
    return openapi_document(url_for("api.list_campaigns", _external=True).rsplit("/campaigns", 1)[0])
