"""Forms of the delivery records: one small form per record, and the proof upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, StringField, TextAreaField

from app.core.forms import AccessibleForm
from app.deliveries.models import ProofKind
from app.deliveries.proofs import STAFF_KINDS

PROOF_KIND_LABELS = {
    ProofKind.RECEIPT: _l("Receipt"),
    ProofKind.PHOTO: _l("Photo"),
    ProofKind.TRACKING: _l("Tracking record"),
    ProofKind.TRANSMISSION_REPORT: _l("Fax transmission report"),
    ProofKind.PARTNER_RECORD: _l("The partner's confirmation"),
    ProofKind.SMTP_REPLY: _l("The mail server's answer"),
    ProofKind.OTHER: _l("Other"),
}
#: Each record's heading, the label of its date and of its proof file.
RECORD_TITLES = {
    "dispatch": (_l("Record the dispatch"), _l("Date dispatched"), _l("Postal receipt (optional)")),
    "delivery": (_l("Record the delivery"), _l("Date delivered"), _l("Signed receipt (optional)")),
    "fax": (_l("Record the fax"), _l("Date sent"), _l("Transmission report")),
    "hand": (
        _l("Record the hand delivery"),
        _l("Date handed over"),
        _l("Stamped receipt or photo (optional)"),
    ),
    "portal": (
        _l("Record the portal submission"),
        _l("Date submitted"),
        _l("Screenshot or receipt (optional)"),
    ),
    "partner": (
        _l("Record the delivery through a partner organization"),
        _l("Date delivered"),
        _l("The partner's confirmation (optional)"),
    ),
}
TEXT_LABELS = {
    "carrier": _l("Carrier"),
    "tracking_number": _l("Tracking number"),
    "cost": _l("Cost"),
    "received_by": _l("Signed for by"),
    "fax_number": _l("Fax number sent to"),
    "delivered_by": _l("Handed over by"),
    "reference": _l("The portal's reference number"),
    "partner_name": _l("Partner organization"),
}
#: The records as the delivery page shows them, in order; contact data only to editors.
SHOWN_COLUMNS = {
    "dispatched_at": _l("Dispatched on"),
    "carrier": _l("Carrier"),
    "tracking_number": _l("Tracking number"),
    "cost": _l("Cost"),
    "delivered_at": _l("Delivered on"),
    "destination": _l("Sent to"),
    "delivered_by": _l("Handed over by"),
    "received_by": _l("Received by"),
    "reference": _l("The portal's reference number"),
    "partner_name": _l("Partner organization"),
}
#: Where a record's field reads differently from its usual label.
OWN_LABELS = {
    ("hand", "received_by"): _l("Handed to"),
    ("partner", "delivered_by"): _l("Who delivered it (at the partner)"),
    ("partner", "received_by"): _l("Received by"),
}


def record_form(name, bind=False):
    """The form of record `name` (app.deliveries.records.RECORDS); with `bind`, of the request's data."""
    from app.deliveries.records import RECORDS

    _title, day_label, proof_label = RECORD_TITLES[name]
    attrs = {"day": StringField(day_label), "proof": FileField(proof_label)}
    for key in RECORDS[name].texts:
        attrs[key] = StringField(OWN_LABELS.get((name, key), TEXT_LABELS[key]))
    form_class = type(f"{name.title()}RecordForm", (AccessibleForm,), attrs)
    form = form_class() if bind else form_class(formdata=None)
    form.record_name = name
    form.text_keys = list(RECORDS[name].texts)
    return form


class ProofForm(AccessibleForm):
    kind = SelectField(
        _l("What it proves"), choices=[SelectChoice(str(k), PROOF_KIND_LABELS[k]) for k in STAFF_KINDS]
    )
    file = FileField(_l("File (PDF, JPEG or PNG)"))
    note = TextAreaField(_l("Note"))
