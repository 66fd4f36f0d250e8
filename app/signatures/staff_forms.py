"""Staff forms for signatures: decisions, bulk actions, positions, adding, importing, privacy requests."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField

from app.core.converters import MAX_ID
from app.core.errors import ValidationError
from app.core.forms import AccessibleForm, choices
from app.signatures.labels import (  # noqa: F401 (the views read the labels from here)
    DISPLAY_LABELS,
    HOLD_LABELS,
    KIND_LABELS,
    LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
)

#: Highest position staff may give; the public list sorts by it.
MAX_POSITION = 99_999
_DIGITS = re.compile(r"[0-9]{1,9}")


class DecisionForm(AccessibleForm):
    to = HiddenField()
    reason = StringField(_l("Reason (staff only)"))


class BulkForm(AccessibleForm):
    #: Read with read_ids: a number out of range is a message, not an error of the database.
    ids = SelectMultipleField(validate_choice=False)
    to = HiddenField()
    reason = StringField(_l("Reason for rejecting (staff only)"))


class MergeForm(AccessibleForm):
    #: Read with read_ids.
    into = StringField(_l("Keep signature #"))


class AddSignatureForm(AccessibleForm):
    kind = SelectField(
        _l("Kind"), choices=choices(KIND_LABELS.items()), default="individual", validate_choice=False
    )
    name_en = StringField(_l("Name in English"))
    name_ko = StringField(_l("Name in Korean"))
    line = StringField(_l("Affiliation, relationship or one-line description"))
    line_ko = StringField(_l("The same in Korean (optional)"))
    country = SelectField(_l("Country"), validate_choice=False)
    email = StringField(_l("Email (optional, never shown)"))
    display = SelectField(_l("Show the name"), choices=choices(DISPLAY_LABELS.items()), validate_choice=False)
    consent = BooleanField(_l("The signer agreed to be published as chosen above."))

    def sign_on_data(self):
        names = ("kind", "name_en", "name_ko", "line", "line_ko", "country", "email", "display", "consent")
        return {name: self[name].data for name in names}


class LinesForm(AccessibleForm):
    line_en = StringField(_l("Affiliation, relationship or one-line description, in English"))
    line_ko = StringField(_l("Affiliation, relationship or one-line description, in Korean"))


class ImportForm(AccessibleForm):
    file = FileField(_l("CSV file (UTF-8)"))
    #: Set on the preview page: the signed name of the uploaded file kept on the server.
    token = HiddenField()


class LookupForm(AccessibleForm):
    email = StringField(_l("Email address"))


class EraseForm(LookupForm):
    confirm = BooleanField(_l("The person asked for erasure, and I have checked that the request is theirs."))


def read_positions(formdata):
    """{signature id: position or None} from the fields named position-<id>; ValidationError if bad."""
    positions = {}
    for key, value in formdata.items():
        prefix, _sep, number = key.partition("-")
        if prefix != "position" or not _DIGITS.fullmatch(number):
            continue
        value = value.strip()
        if value and (not _DIGITS.fullmatch(value) or int(value) > MAX_POSITION):
            raise ValidationError(
                _l("Positions are whole numbers from 0 to %(max)d, or empty.", max=MAX_POSITION)
            )
        positions[int(number)] = int(value) if value else None
    return positions


def read_ids(values):
    """Signature numbers typed or ticked by staff, as ints; ValidationError for anything else."""
    ids = []
    for value in values:
        value = (value or "").strip().lstrip("#")
        if not (value.isascii() and value.isdigit() and len(value) <= 10 and 1 <= int(value) <= MAX_ID):
            raise ValidationError(
                _l("“%(value)s” is not a signature number.", value=value[:20]),
                fields={"ids": _l("Not a signature number.")},
            )
        ids.append(int(value))
    return ids
