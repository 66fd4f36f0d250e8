"""What a signer is told happens after confirming: listed now, or once staff approve."""

from flask_babel import gettext as _

from app.signatures.models import SignatoryKind, SignatureStatus


def waiting_note(signature):
    """A sentence for a confirmed signature that is not listed yet, or None when it is listed."""
    status = signature.status
    if status == SignatureStatus.HELD:
        return _("Your signature waits for a check by our staff before it is counted and listed.")
    if status != SignatureStatus.CONFIRMED:
        return None
    if signature.signatory.kind == SignatoryKind.ORGANIZATION:
        return _("Our staff approve each organization before it is listed: yours appears once approved.")
    if signature.letter.is_individual_approval_required:
        return _(
            "On this letter our staff approve each signature before it is listed: "
            "yours appears once approved."
        )
    return None
