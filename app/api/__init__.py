"""The JSON API under /api/v1/: token auth, JSON errors, an OpenAPI document generated from its schemas."""

import flask_smorest

from app.api.errors import DESCRIPTIONS, Error, Parser
from app.extensions import csrf


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def errors(self, *statuses):
        """Document the JSON errors a view may answer (auth errors are added by token_required)."""

        def decorator(view):
            for status in statuses:
                view = self.alt_response(status, schema=Error, description=DESCRIPTIONS[status])(view)
            return view

        return decorator

    def route(self, rule, **options):
        """Every operation may answer 400 to a malformed request (e.g. a NUL character in the URL)."""
        register = super().route(rule, **options)
        return lambda view: register(self.errors(400)(view))

    def public(self, view):
        """Document that the view needs no token."""
        return self.doc(security=[])(view)


bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Undersigned's JSON API")
# The API takes no cookies, only bearer tokens, so a forged cross-site request carries no rights.
csrf.exempt(bp)


def init_app(app):
    """Register the API and its generated document on the app."""
    from app.api.spec import init_api

    init_api(app, bp)


from app.api import (  # noqa: E402,F401
    campaigns,
    deliveries,
    docs,
    documents,
    letters,
    privacy,
    recipients,
    responses,
    signatures,
    timeline,
)
