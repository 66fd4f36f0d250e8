"""Bearer-token authentication for the API; it also documents each operation's security.

An operation whose URL names a campaign's object (campaign_id, letter_id, delivery_id, batch_id,
response_id, signature_id, a document's token) is checked on that campaign, as `campaign_access`
does for pages: no membership answers 404, too low a role 403. Other operations need at least
`role` as the account's role (as role_required does for pages).
"""

import inspect
from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from app.auth.access import check_campaign
from app.auth.scope import names_campaign
from app.auth.services import user_for_token
from app.core.errors import DomainError, Forbidden, NotFound


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


def _refuse(status):
    if status == 404:
        raise NotFound(_("Not found."))
    raise Forbidden(_("Your role does not allow this."))


def token_required(role="viewer"):
    """The request must carry `Authorization: Bearer TOKEN` of a user with at least `role`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
            user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
            if user is None:
                raise Unauthorized(_("A valid API token is required: Authorization: Bearer TOKEN."))
            if names_campaign(kwargs):
                g.campaign_id, refusal = check_campaign(user, role, kwargs)
                if refusal:
                    _refuse(refusal)
            elif not user.has_role(role):
                raise Forbidden(_("Your role does not allow this."))
            g.api_user = user
            return view(*args, **kwargs)

        from app.api import bp  # app.api imports the views, which import this module

        documented = bp.doc(security=[{"bearer": []}])(wrapped)
        if names_campaign_rule(view):
            statuses = (401, 403, 404)
        else:
            statuses = (401,) if role == "viewer" else (401, 403)
        return bp.errors(*statuses)(documented)

    return decorator


def names_campaign_rule(view):
    """Whether the view takes an argument naming a campaign's object (known from its signature)."""
    return names_campaign(inspect.signature(view).parameters)
