"""The outbox's one form: the send-again button."""

from app.core.forms import AccessibleForm


class SendAgainForm(AccessibleForm):
    """A bare form for the send-again button: it carries the CSRF token."""
