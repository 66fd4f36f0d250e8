"""Bearer-token authentication for the API; it also documents each operation's security."""

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from app.auth.services import user_for_token
from app.core.errors import DomainError, Forbidden


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


def token_required(role="viewer"):
    """The request must carry `Authorization: Bearer TOKEN` of a user with at least `role`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
            user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
            if user is None:
                raise Unauthorized(_("A valid API token is required: Authorization: Bearer TOKEN."))
            if not user.has_role(role):
                raise Forbidden(_("Your role does not allow this."))
            g.api_user = user
            return view(*args, **kwargs)

        from app.api import bp  # app.api imports the views, which import this module

        documented = bp.doc(security=[{"bearer": []}])(wrapped)
        statuses = (401,) if role == "viewer" else (401, 403)
        return bp.errors(*statuses)(documented)

    return decorator
