"""Words for outbox messages in the reader's language: states and failure reasons."""

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "queued": _l("waiting to be sent"),
    "sending": _l("being sent"),
    "sent": _l("handed to the mail server"),
    "kept": _l("kept in the outbox"),
    "failed": _l("failed"),
    "unconfirmed": _l("unconfirmed: may not have arrived"),
}

FAILURE_LABELS = {
    "refused": _l("The mail server refused this message for good."),
    "invalid_message": _l("The message could not be written: a header or the text is not valid."),
    "needs_smtputf8": _l(
        "The address has non-Latin letters before the @, and the mail server does not accept such "
        "addresses (it does not offer SMTPUTF8)."
    ),
    "invalid_address": _l("The address is not a valid email address."),
    "gave_up": _l("The mail server could not be reached in any attempt; no more attempts are made."),
}

#: Why a message is unconfirmed, and what a person can do about it.
UNCONFIRMED_HELP = _l(
    "The worker stopped in the middle of sending: the message may or may not have arrived. "
    "It is not sent again by itself. Check with the recipient if you can, then send it again or leave it."
)
