"""Flask-Login wiring: how a session finds its user."""

from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.extensions import db, login_manager


def configure_login(app):
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id):
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.is_enabled else None
