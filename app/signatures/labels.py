"""What staff read for a signature's state, kind, source, display choice and hold reason."""

from flask_babel import lazy_gettext as _l

from app.signatures.models import Display, SignatoryKind, SignatureSource, SignatureStatus

S = SignatureStatus

#: A signature's state in the words staff use for it.
STATUS_LABELS = {
    S.PENDING: _l("Awaiting email confirmation"),
    S.HELD: _l("Held for review"),
    S.CONFIRMED: _l("Awaiting approval"),
    S.APPROVED: _l("Listed"),
    S.REJECTED: _l("Rejected"),
    S.WITHDRAWN: _l("Withdrawn"),
    S.EXPIRED: _l("Expired unconfirmed"),
    S.MERGED: _l("Merged into another"),
}
#: The states where a sign-on waits for a person: the list opens on these.
NEEDS_YOU = (S.HELD, S.CONFIRMED)
KIND_LABELS = {SignatoryKind.ORGANIZATION: _l("Organization"), SignatoryKind.INDIVIDUAL: _l("Individual")}
SOURCE_LABELS = {
    SignatureSource.FORM: _l("Public form"),
    SignatureSource.STAFF: _l("Added by staff"),
    SignatureSource.IMPORT: _l("Imported"),
    SignatureSource.DEMO: _l("Demo"),
}
DISPLAY_LABELS = {
    Display.FULL: _l("Name in full"),
    Display.INITIALS: _l("Initials only"),
    Display.COUNTED: _l("Counted, not listed"),
}
HOLD_LABELS = {
    "rate_limit": _l("Too many sign-ons from one address"),
    "honeypot": _l("Filled the hidden field (bot?)"),
    "too_fast": _l("Sent too fast (bot?)"),
    "same_name": _l("Possible duplicate: an organization of the same name signed before"),
}
LABELS = {
    "status": STATUS_LABELS,
    "kind": KIND_LABELS,
    "source": SOURCE_LABELS,
    "display": DISPLAY_LABELS,
    "hold": HOLD_LABELS,
}


def state_label(signature):
    """The state as one phrase: a held sign-on says why it is held."""
    label = str(STATUS_LABELS[signature.status])
    if signature.status == S.HELD and signature.hold_reason:
        reason = HOLD_LABELS.get(signature.hold_reason, signature.hold_reason)
        return f"{label} ({reason})"
    return label
