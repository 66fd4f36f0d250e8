"""The outbox's one form: the send-again button."""

from flask_wtf import FlaskForm


class SendAgainForm(FlaskForm):
    """A bare form for the send-again button: it carries the CSRF token."""
