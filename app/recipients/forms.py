"""Staff forms for recipients: the record, the search, the import."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from app.core.forms import AccessibleForm, choices
from app.recipients.models import RecipientKind
from app.recipients.validation import FIELDS
from app.signatures.validation import country_choices

KIND_LABELS = {
    RecipientKind.HEAD_OF_STATE: _l("Office of a head of state or government"),
    RecipientKind.MINISTRY: _l("Ministry"),
    RecipientKind.EMBASSY: _l("Embassy"),
    RecipientKind.GOVERNMENT_BODY: _l("Government body"),
    RecipientKind.INTERNATIONAL_BODY: _l("International body"),
    RecipientKind.NGO_PARTNER: _l("Partner NGO"),
    RecipientKind.ORGANIZATION: _l("Organization"),
    RecipientKind.PERSON: _l("Person"),
    RecipientKind.OTHER: _l("Other"),
}
LANGUAGE_CHOICES = [("en", "English"), ("ko", "한국어")]


class RecipientForm(AccessibleForm):
    kind = SelectField(
        _l("Kind"),
        choices=choices(KIND_LABELS.items()),
        default=RecipientKind.OTHER.value,
        validate_choice=False,
    )
    name_en = StringField(_l("Name in English"))
    name_ko = StringField(_l("Name in Korean"))
    addressee_en = StringField(_l("Addressed to (English)"))
    addressee_ko = StringField(_l("Addressed to (Korean)"))
    address_en = TextAreaField(_l("Postal address (English), one line per line, the country last"))
    address_ko = TextAreaField(_l("Postal address (Korean), one line per line"))
    country = SelectField(_l("Country of the address"), validate_choice=False)
    emails = TextAreaField(_l("Email addresses, one per line, the preferred first"))
    fax = StringField(_l("Fax"))
    portal_url = StringField(_l("Web portal"))
    preferred_language = SelectField(
        _l("Preferred language"), choices=choices(LANGUAGE_CHOICES), validate_choice=False
    )
    contact_name = StringField(_l("Contact person (name and role)"))
    contact_email = StringField(_l("Contact person's email"))
    contact_phone = StringField(_l("Contact person's phone"))
    tags = StringField(_l("Tags, separated by commas"))
    notes = TextAreaField(_l("Notes (every staff member sees them, viewers too)"))

    def set_country_choices(self, lang):
        self.country.choices = choices([("", "—"), *country_choices(lang)])

    def fill(self, data):
        """Show a recipient's fields (app.recipients.services.recipient_data) in the form."""
        for key in FIELDS:
            value = data[key]
            if key == "emails":
                value = "\n".join(value)
            elif key == "tags":
                value = ", ".join(value)
            self[key].data = value

    def service_data(self):
        return {key: self[key].data for key in FIELDS}


class ImportForm(AccessibleForm):
    file = FileField(_l("CSV file (UTF-8)"))
    #: Set on the preview page: the signed name of the uploaded file kept on the server.
    token = HiddenField()
    #: Without it, rows that match a recipient by name and differ from it are left out.
    update_changed = BooleanField(_l("Also update the recipients whose rows differ from the registry"))
