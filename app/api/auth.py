"""Bearer-token authentication and JSON request parsing for the API."""

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from app.auth.services import user_for_token
from app.core.errors import DomainError, Forbidden, ValidationError


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

        return wrapped

    return decorator


def json_body():
    """The request's JSON object, or a clear 400 error."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."), code="invalid_json")
    return data


def bilingual(data, key):
    """{"en": ..., "ko": ...} from the body, as a pair of strings."""
    value = data.get(key, {})
    if value is None:
        value = {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValidationError(
            _("%(key)s must be an object with en and ko strings.", key=key),
            fields={key: _("Wrong type.")},
        )
    return value.get("en", ""), value.get("ko", "")
