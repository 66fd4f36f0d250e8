"""The right-of-reply form, as the recipient fills it in."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectChoice, StringField, TextAreaField

from app.core.forms import AccessibleForm


class ReplyForm(AccessibleForm):
    text = TextAreaField(_l("Your response"))
    responder_name = StringField(_l("Name of the person who answers"))
    responder_title = StringField(_l("Title or position (optional)"))
    visibility = RadioField(
        _l("Who may read it"),
        choices=[
            SelectChoice("public", _l("Public: shown on the campaign's public timeline")),
            SelectChoice("private", _l("Private: read by the coalition only")),
        ],
        validate_choice=False,
    )
    files = MultipleFileField(_l("Attachments (PDF, JPEG or PNG, optional)"))
