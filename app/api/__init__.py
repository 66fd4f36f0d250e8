"""The JSON API under /api/v1/: token auth, JSON errors, an OpenAPI document."""

from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API takes no cookies, only bearer tokens, so a forged cross-site request carries no rights.
csrf.exempt(bp)

from app.api import campaigns, docs, documents, letters, signatures  # noqa: E402,F401
