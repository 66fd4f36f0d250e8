"""Staff forms of the holding pen: assign a held message to a delivery, or discard it."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import DataRequired, NumberRange

from app.core.forms import AccessibleForm


class AssignForm(AccessibleForm):
    delivery_id = IntegerField(_l("Delivery number"), validators=[DataRequired(), NumberRange(min=1)])


class DiscardForm(AccessibleForm):
    """Only the CSRF token: discarding needs no other input."""
