"""The recipient form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from app.core.forms import choices
from app.recipients.models import RecipientKind

KIND_LABELS = {
    RecipientKind.HEAD_OF_STATE: _l("Head of state or government"),
    RecipientKind.MINISTRY: _l("Ministry"),
    RecipientKind.EMBASSY: _l("Embassy"),
    RecipientKind.GOVERNMENT_BODY: _l("Government body"),
    RecipientKind.INTERNATIONAL_BODY: _l("International body"),
    RecipientKind.ORGANIZATION: _l("Organization"),
    RecipientKind.PERSON: _l("Person"),
}


class RecipientForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices((k.value, label) for k, label in KIND_LABELS.items()))
    name_en = StringField(_l("Name in English"))
    name_ko = StringField(_l("Name in Korean"))
    addressee_en = StringField(_l("Addressed to (English)"))
    addressee_ko = StringField(_l("Addressed to (Korean)"))
    address_en = TextAreaField(_l("Postal address (English), one line per line"))
    address_ko = TextAreaField(_l("Postal address (Korean), one line per line"))
    country = StringField(_l("Country code (two letters)"))
    emails = TextAreaField(_l("Email addresses, one per line"))
    fax = StringField(_l("Fax"))
    portal_url = StringField(_l("Web portal"))
    preferred_language = SelectField(
        _l("Preferred language"), choices=choices([("en", "English"), ("ko", "한국어")])
    )
    notes = TextAreaField(_l("Notes for staff"))
