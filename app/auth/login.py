"""Flask-Login wiring: how a session finds its user."""

from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.core.converters import MAX_ID
from app.extensions import db, login_manager


def configure_login(app):
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id):
        return user_for_session(session_id)


def user_for_session(session_id):
    """The enabled user whose session this is, if it was not ended since (logout, new password)."""
    user_id, _sep, version = str(session_id).partition(":")
    if not (user_id.isdigit() and version.isdigit()) or int(user_id) > MAX_ID:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_enabled or user.session_version != int(version):
        return None
    return user
