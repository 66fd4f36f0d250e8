"""Access checks for staff routes.

- `campaign_access(role)`: for every route about one campaign's object (campaign, letter, delivery,
  batch, document, response, signature): the campaign is derived from the URL (app/auth/scope.py).
  Admins pass; other staff need `role` on that campaign; a campaign they are not a member of is
  answered 404 (it might be a draft), a member without the role gets 403.
- `role_required(role)` / `staff_required`: pages outside any campaign (the recipient registry, the
  holding pen, the audit log, staff accounts): the account's role decides ("admin": admins only).
  Such pages list only what the user may see on each campaign.
"""

from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required

from app.auth.permissions import role_allows
from app.auth.scope import campaign_id_for


def check_campaign(user, role, view_args):
    """The campaign id a request may act on, else the HTTP status refusing it (404 or 403)."""
    campaign_id = campaign_id_for(view_args)
    if campaign_id is None:
        return None, 404
    held = user.campaign_role(campaign_id)
    if held is None:
        return None, 404
    if not role_allows(held, role):
        return None, 403
    return campaign_id, None


def campaign_access(role="viewer"):
    """Logged-in staff holding at least `role` on the campaign the URL's object belongs to."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            campaign_id, refusal = check_campaign(current_user, role, kwargs)
            if refusal:
                abort(refusal)
            g.campaign_id = campaign_id
            return view(*args, **kwargs)

        return wrapped

    return decorator


def role_required(role):
    """Logged-in staff whose account role is at least `role` (viewer < editor < admin)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def staff_required(view):
    """Any logged-in staff member (pages that list only what the user may see)."""
    return login_required(view)
