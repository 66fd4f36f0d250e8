"""Forms of delivery through a partner: staff send the link; the partner reports through it."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField

from app.core.forms import AccessibleForm


class PartnerLinkForm(AccessibleForm):
    partner_name = StringField(_l("Partner organization"))
    email = StringField(_l("The partner's email address"))


class PartnerReportForm(AccessibleForm):
    dispatched_on = StringField(_l("Date dispatched"))
    delivered_on = StringField(_l("Date delivered"))
    received_by = StringField(_l("Received by (name and position)"))
    delivered_by = StringField(_l("Delivered by (your name)"))
    receipt = FileField(_l("Receipt (PDF, JPEG or PNG)"))
    note = TextAreaField(_l("What you learned (e.g. a registration number)"))
