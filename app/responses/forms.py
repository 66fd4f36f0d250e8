"""Staff forms for responses: log or edit one by hand, log one from an email, attach or publish a file."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange

from app.core.forms import AccessibleForm, choices
from app.responses.labels import CHANNEL_LABELS, CLASSIFICATION_LABELS
from app.responses.services import FIELDS


def parsed_date(value):
    """A YYYY-MM-DD date as typed, or None (the service says what is wrong)."""
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


class _Common(AccessibleForm):
    recipient_id = SelectField(_l("Recipient who answered"), validate_choice=False)
    delivery_id = SelectField(_l("The delivery it answers (optional)"), validate_choice=False)
    received_on = StringField(_l("Received on"))
    classification = SelectField(
        _l("What it is"), choices=choices(CLASSIFICATION_LABELS.items()), validate_choice=False
    )
    summary_en = TextAreaField(_l("Summary in English"))
    summary_ko = TextAreaField(_l("Summary in Korean"))
    reference = StringField(_l("The body's reference number (where given)"))
    is_public = BooleanField(_l("Public: show it on the campaign's timeline"))

    def fill_choices(self, recipients, deliveries, lang):
        self.recipient_id.choices = choices([("", "—"), *((r.id, r.name(lang)) for r in recipients)])
        rows = [(d.id, f"#{d.id} · {d.recipient.name(lang)} · {d.channel}") for d in deliveries]
        self.delivery_id.choices = choices([("", "—"), *rows])

    def service_data(self):
        data = {key: self[key].data for key in FIELDS if key in self}
        data["received_on"] = parsed_date(self.received_on.data)
        return data


class ResponseForm(_Common):
    channel = SelectField(_l("Channel"), choices=choices(CHANNEL_LABELS.items()), validate_choice=False)
    text = TextAreaField(_l("Full text, as received"))
    file = FileField(_l("Attachment (PDF, JPEG or PNG, optional)"))

    def fill(self, response):
        for key in FIELDS:
            value = getattr(response, key)
            self[key].data = value.isoformat() if key == "received_on" else value
        self.recipient_id.data = str(response.recipient_id or "")
        self.delivery_id.data = str(response.delivery_id or "")


class EmailForm(_Common):
    file = FileField(_l("The email, saved as .eml"))
    received_on = StringField(_l("Received on (empty: the email's date)"))


class AttachmentForm(AccessibleForm):
    file = FileField(_l("File (PDF, JPEG, PNG, HWPX or HWP)"))


class PublishForm(AccessibleForm):
    #: "1" to publish, "0" to withdraw from the public.
    public = HiddenField()


class LinkForm(AccessibleForm):
    """A further delivery the response answers; `back` is "inbound" when sent from the holding pen."""

    delivery_id = IntegerField(_l("Delivery number"), validators=[DataRequired(), NumberRange(min=1)])
    back = HiddenField()
