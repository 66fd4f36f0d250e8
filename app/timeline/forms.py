"""The staff form for a timeline event."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.forms import AccessibleForm
from app.responses.models import StatusKind
from app.timeline.labels import KIND_LABELS


class EventForm(AccessibleForm):
    kind = SelectField(
        _l("What happened"), choices=[SelectChoice(k.value, KIND_LABELS[k]) for k in StatusKind]
    )
    occurred_on = DateField(_l("Date"), validators=[DataRequired(_l("Enter a date."))])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    title_ko = StringField(_l("Title in Korean"), validators=[Optional(), Length(max=200)])
    description_en = TextAreaField(_l("Note in English"))
    description_ko = TextAreaField(_l("Note in Korean"))
    reference = StringField(_l("Reference number of the body"), validators=[Optional(), Length(max=100)])
    new_due_on = DateField(_l("New due date (on an extension)"), validators=[Optional()])
    is_public = BooleanField(_l("Public"))
    evidence = FileField(_l("Evidence (PDF, JPEG or PNG)"))
    save = SubmitField(_l("Save"))
    accept = SubmitField(_l("Accept"))

    def data_for_service(self):
        names = ("title_en", "title_ko", "description_en", "description_ko", "reference")
        data = {name: (getattr(self, name).data or "").strip() for name in names}
        data["kind"] = self.kind.data
        data["occurred_on"] = self.occurred_on.data
        data["new_due_on"] = self.new_due_on.data
        data["is_public"] = bool(self.is_public.data)
        return data


class AcceptForm(AccessibleForm):
    """One click: accept the proposal as it stands and publish it."""

    submit = SubmitField(_l("Accept and publish"))


class TermForm(AccessibleForm):
    """How many working days the recipients have to answer this letter (empty: the default)."""

    response_due_working_days = IntegerField(
        _l("Working days to answer"),
        validators=[Optional(), NumberRange(min=1, max=400, message=_l("Enter 1 to 400 working days."))],
    )
    save_term = SubmitField(_l("Save"))
