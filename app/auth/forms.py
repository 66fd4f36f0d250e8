"""Login form, and the forms of the staff users page."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.core.forms import AccessibleForm, choices


class LoginForm(AccessibleForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])


class NewUserForm(AccessibleForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Length(max=120)])
    role = SelectField(
        _l("Account role"),
        choices=choices(
            [
                ("viewer", _l("Viewer: reads the recipient registry")),
                ("editor", _l("Editor: also edits the registry, files held mail, creates campaigns")),
                ("admin", _l("Admin: everything on every campaign, staff accounts")),
            ]
        ),
        default="viewer",
    )


class ActionForm(AccessibleForm):
    """A button that posts: only its CSRF token."""
