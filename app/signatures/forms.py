"""The public sign-on form."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField

from app.core.forms import AccessibleForm, CachedTranslationsMeta, choices
from app.signatures.models import Display, SignatoryKind


class SignForm(AccessibleForm):
    Meta = CachedTranslationsMeta

    kind = RadioField(
        _l("I sign as"),
        choices=choices(
            [
                (SignatoryKind.INDIVIDUAL, _l("an individual")),
                (SignatoryKind.ORGANIZATION, _l("an organization")),
            ]
        ),
        default=SignatoryKind.INDIVIDUAL.value,
        validate_choice=False,
    )
    name_en = StringField(_l("Name in English (Latin letters)"))
    name_ko = StringField(_l("Name in Korean (Hangul)"))
    line = StringField(
        _l("Affiliation, relationship or one-line description"),
        description=_l("For example: elder brother of a person detained in North Korea since 2013"),
    )
    line_ko = StringField(
        _l("The same in Korean (optional)"),
        description=_l("Shown on the Korean page and in the Korean PDF; the other one is shown in English."),
    )
    country = SelectField(_l("Country"), validate_choice=False)
    email = EmailField(_l("Email (never shown)"))
    contact_name = StringField(_l("Contact person (organizations; never shown)"))
    website = StringField(_l("Website (organizations)"))
    logo = FileField(_l("Logo, PNG or JPEG (organizations, optional)"))
    display = RadioField(
        _l("Show my name"),
        choices=choices(
            [
                (Display.FULL, _l("in full")),
                (Display.INITIALS, _l("as initials only")),
                (Display.COUNTED, _l("not at all: count my signature, but do not list it")),
            ]
        ),
        default=Display.FULL.value,
        validate_choice=False,
    )
    consent = BooleanField(_l("I agree that my signature is published as chosen above."))
    updates = BooleanField(_l("Email me when the letter is delivered or answered"), default=False)
    #: Left empty by people; bots fill it.
    homepage = StringField(_l("Leave this field empty"))
    started = HiddenField()
