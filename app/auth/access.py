"""Access checks for staff routes."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(role):
    """Only logged-in staff with at least `role` (viewer < editor < admin) may pass."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required("viewer")
