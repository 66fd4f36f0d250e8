"""The staff form for a new campaign."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from app.core.forms import AccessibleForm


class CampaignForm(AccessibleForm):
    slug = StringField(_l("Address"), description=_l("Lower-case letters, digits and hyphens: /c/<address>"))
    title_en = StringField(_l("Title in English"))
    title_ko = StringField(_l("Title in Korean"))
