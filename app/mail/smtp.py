"""The SMTP conversation for one message, and which of its failures are worth another try."""

import smtplib

from app.mail.addresses import AddressError, envelope_address, header_address
from app.mail.compose import build_email
from app.mail.models import MailFailure


class SendError(Exception):
    """One attempt failed. `temporary`: a later attempt may succeed; else `reason` says why not."""

    def __init__(self, detail, temporary, reason=None):
        super().__init__(detail)
        self.detail = detail
        self.temporary = temporary
        self.reason = reason


def send_smtp(message, config):
    """Hand one message to the configured SMTP server; raises SendError."""
    try:
        _converse(message, config)
    except Exception as error:
        raise send_error(error) from error


def _converse(message, config):
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.ehlo_or_helo_if_needed()
        smtputf8 = smtp.has_extn("smtputf8")
        sender = envelope_address(message.sender, smtputf8)
        to = envelope_address(message.to, smtputf8)
        email = build_email(
            message, sender=header_address(message.sender, sender), to=header_address(message.to, to)
        )
        smtp.send_message(email, from_addr=sender, to_addrs=[to])


def _temporary_code(code):
    return not 500 <= code < 600


def send_error(error):
    """The SendError for what one attempt raised."""
    detail = f"{type(error).__name__}: {error}"
    if isinstance(error, AddressError):
        return SendError(str(error), temporary=False, reason=error.reason)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        temporary = all(_temporary_code(code) for code in codes)
        return SendError(detail, temporary, None if temporary else MailFailure.REFUSED)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        # Our login, not this message: tried again, so that fixing the setting sends it after all.
        return SendError(detail, temporary=True)
    if isinstance(error, smtplib.SMTPResponseException):
        temporary = _temporary_code(error.smtp_code)
        return SendError(detail, temporary, None if temporary else MailFailure.REFUSED)
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return SendError(detail, temporary=True)  # the network, a disconnect, a timeout
    # Not a network error (e.g. a header the email library refuses): another try would fail the same.
    return SendError(detail, temporary=False, reason=MailFailure.INVALID_MESSAGE)
