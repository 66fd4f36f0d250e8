"""Staff forms for deliveries: the plan (one row per recipient) and a person's decision on one."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.core.forms import AccessibleForm, choices
from app.deliveries.labels import CHANNEL_LABELS
from app.deliveries.models import Channel

LANGUAGE_LABELS = {"en": _l("English"), "ko": _l("Korean"), "both": _l("English and Korean")}
#: What a datetime-local input sends, and what a person may type without one.
TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")


class PlanRowForm(Form):
    """One recipient of the plan: whether to deliver, in which language, how and when."""

    recipient_id = HiddenField()
    selected = BooleanField(_l("Deliver"))
    language = SelectField(_l("Language"), choices=choices(LANGUAGE_LABELS.items()), validate_choice=False)
    channel = SelectField(_l("Channel"), choices=choices(CHANNEL_LABELS.items()), validate_choice=False)
    send_at = StringField(_l("When (UTC; empty: now)"), validators=[Optional(), Length(max=30)])
    resend = BooleanField(_l("Deliver again (already delivered or planned)"))

    def send_time(self):
        """The time asked for in UTC, None for now; ValueError when it cannot be read."""
        value = (self.send_at.data or "").strip()
        if not value:
            return None
        for pattern in TIME_FORMATS:
            try:
                return datetime.strptime(value, pattern).replace(tzinfo=UTC)
            except ValueError:
                continue
        raise ValueError(value)


class PlanForm(AccessibleForm):
    rows = FieldList(FormField(PlanRowForm))
    note = StringField(_l("Note for this batch (optional)"), validators=[Length(max=500)])

    def fill(self, recipients, languages, channel_for):
        """One unticked row per recipient, with a sensible language and channel."""
        for recipient in recipients:
            language = recipient.preferred_language.value
            self.rows.append_entry(
                {
                    "recipient_id": str(recipient.id),
                    "language": language if language in languages else languages[0],
                    "channel": channel_for(recipient).value,
                }
            )

    def chosen_rows(self):
        return [row for row in self.rows if row.form.selected.data]


def default_channel(recipient):
    """Email when the recipient has an address, else post when it has a postal address, else hand."""
    if recipient.emails:
        return Channel.EMAIL
    if recipient.address_en or recipient.address_ko:
        return Channel.POST
    return Channel.HAND


class DecisionForm(AccessibleForm):
    """A person's move of one delivery: queue, cancel, mark as sent, send again."""

    to = HiddenField()
    detail = StringField(_l("Note (optional)"), validators=[Length(max=1000)])


class ReferenceForm(AccessibleForm):
    """One click: a number found in a response becomes the delivery's reference."""

    reference = HiddenField()
    #: The response the number was read from ("" when none).
    response_id = HiddenField()
