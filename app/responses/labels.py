"""What staff and the public read for each response channel and classification, in their language."""

from flask_babel import lazy_gettext as _l

from app.responses.models import ResponseChannel, ResponseClassification

CHANNEL_LABELS = {
    ResponseChannel.EMAIL: _l("Email"),
    ResponseChannel.POST: _l("Letter"),
    ResponseChannel.PHONE: _l("Phone"),
    ResponseChannel.MEETING: _l("Meeting"),
    ResponseChannel.STATEMENT: _l("Public statement or press"),
    ResponseChannel.OFFICIAL_NOTICE: _l("Official notice"),
    ResponseChannel.OTHER: _l("Other"),
}
CLASSIFICATION_LABELS = {
    ResponseClassification.ACKNOWLEDGEMENT: _l("Acknowledgement"),
    ResponseClassification.AUTOMATIC_REPLY: _l("Automatic reply"),
    ResponseClassification.REGISTRATION: _l("Registration (with the body's reference number)"),
    ResponseClassification.SUBSTANTIVE: _l("Substantive answer"),
    ResponseClassification.REFUSAL: _l("Refusal"),
    ResponseClassification.REFERRAL: _l("Referral to another body"),
    ResponseClassification.INFORMATION_REQUEST: _l("Request for information"),
}
