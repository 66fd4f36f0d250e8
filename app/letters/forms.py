"""The letter editor form: every text part in English and Korean side by side."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from app.core.forms import AccessibleForm
from app.letters.models import TEXT_LIMITS

PART_LABELS = {
    "title": _l("Title"),
    "subject": _l("Subject line"),
    "salutation": _l("Salutation"),
    "body": _l("Body (Markdown)"),
    "closing": _l("Closing"),
    "signatories_intro": _l("Line introducing the signatories"),
}

#: The names of everything a version prints, for the list of changes waiting for approval.
PRINTED_LABELS = {
    **PART_LABELS,
    "letter_date": _l("Date"),
    "place": _l("Place"),
    "template": _l("Letter template"),
    "single_language": _l("Languages"),
    "recipients": _l("Addressed to"),
}


def _text_field(part):
    field = TextAreaField if part in ("body", "closing") else StringField
    # Lengths are checked by the service, which names the field and the limit in its message.
    return field(PART_LABELS[part], render_kw={"data-limit": TEXT_LIMITS[part]})


class LetterForm(AccessibleForm):
    title_en = _text_field("title")
    title_ko = _text_field("title")
    subject_en = _text_field("subject")
    subject_ko = _text_field("subject")
    salutation_en = _text_field("salutation")
    salutation_ko = _text_field("salutation")
    body_en = _text_field("body")
    body_ko = _text_field("body")
    closing_en = _text_field("closing")
    closing_ko = _text_field("closing")
    signatories_intro_en = _text_field("signatories_intro")
    signatories_intro_ko = _text_field("signatories_intro")
    place_en = StringField(_l("Place"))
    place_ko = StringField(_l("Place"))
    letter_date = DateField(_l("Date"), validators=[Optional()])
    template = SelectField(_l("Letter template"), validate_choice=False)
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice("open_letter", _l("Open letter")), SelectChoice("petition", _l("Petition"))],
        validate_choice=False,
    )
    single_language = SelectField(
        _l("Languages"),
        choices=[
            SelectChoice("", _l("English and Korean")),
            SelectChoice("en", _l("English only")),
            SelectChoice("ko", _l("Korean only")),
        ],
        validate_choice=False,
    )
    recipient_ids = SelectMultipleField(_l("Addressed to"), coerce=int, validate_choice=False)
    lock_version = HiddenField()

    def service_data(self):
        """The form's values as the letter service takes them."""
        data = {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "lock_version")
        }
        data["letter_date"] = self.letter_date.data
        return data


class ActionForm(AccessibleForm):
    """A bare form for buttons that change state: it carries the CSRF token."""

    lock_version = HiddenField()
