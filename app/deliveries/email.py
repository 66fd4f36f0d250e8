"""The email of a delivery (cover message, PDF, fixed Message-ID, own Reply-To) and its SMTP conversation."""

import functools
import re
import smtplib
import ssl
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from app.core.timeutil import utcnow
from app.deliveries.models import Channel
from app.mail.addresses import envelope_address, header_address
from app.mail.compose import header_value


class NoAddress(Exception):
    """The delivery has no address (or no fax gateway) to send to."""


class Unconfirmed(Exception):
    """The message's end was sent but the server's answer was lost: it may have arrived."""


class TakenBack(Exception):
    """The row is no longer this attempt's (a sweeper took it back): the message's end is not sent."""


def sender_address(config):
    return config["DELIVERY_FROM"] or config["MAIL_DEFAULT_SENDER"]


def destination_for(delivery, config):
    """Where this delivery's email goes: the recipient's address, or the fax gateway's for a fax."""
    if delivery.channel == Channel.FAX:
        gateway = config["FAX_EMAIL_GATEWAY"]
        digits = "".join(ch for ch in (delivery.destination or delivery.recipient.fax) if ch.isdigit())
        if not (gateway and digits):
            raise NoAddress("no fax number, or no FAX_EMAIL_GATEWAY")
        return gateway.format(number=digits)
    address = delivery.destination or next(iter(delivery.recipient.emails or []), "")
    if "@" not in address:
        raise NoAddress("the recipient has no email address")
    return address


def message_id_for(delivery, config):
    """The Message-ID of every attempt of this delivery, made from its token on the sender's domain."""
    domain = parseaddr(sender_address(config))[1].rpartition("@")[2] or "undersigned.local"
    return f"<delivery.{delivery.reply_token}@{domain}>"


def _cte(text):
    return None if text.isascii() else "base64"


def build_delivery_email(cover, pdf, filename, sender, to, reply_to, message_id, language, tag=""):
    """The MIME email: `cover` is (subject, text, html); `pdf` the document's bytes; `tag` the
    delivery's reference tag, ended to the subject so that a reply without its headers finds it."""
    subject, text, html = cover
    subject = f"{subject} {tag}" if tag and tag not in subject else subject
    email = EmailMessage()
    email["From"] = header_value(sender)
    email["To"] = header_value(to)
    email["Subject"] = header_value(subject)
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = message_id
    email["Reply-To"] = reply_to
    email["Content-Language"] = "en, ko" if language == "both" else language
    email.set_content(text, cte=_cte(text))
    page = f"<!doctype html><html><body>{html}</body></html>"
    email.add_alternative(page, subtype="html", cte=_cte(page))
    email.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return email


def attempt_email(attempt, sender, to):
    """The email of a prepared attempt (app.deliveries.sending.Attempt) with these header addresses."""
    return build_delivery_email(
        attempt.cover,
        attempt.pdf,
        attempt.filename,
        sender=sender,
        to=to,
        reply_to=attempt.reply_to,
        message_id=attempt.message_id,
        language=attempt.language,
        tag=attempt.tag,
    )


def xtext(value):
    """RFC 3461 xtext, for ENVID."""
    return "".join(ch if 33 <= ord(ch) <= 126 and ch not in "+=" else f"+{ord(ch):02X}" for ch in value)


def _dot_stuffed(data):
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def server_answer(error):
    """The SMTP server's answer carried by one of smtplib's errors, as "code text"; "" if none."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, text = error.smtp_code, error.smtp_error
    else:
        return ""
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"


@functools.lru_cache(maxsize=4)
def _tls_context(cafile):
    """The server's certificate is checked (against MAIL_CA_FILE, else the system's authorities).

    Made once per process: loading the system's certificate store took 80-95 ms, 40% of a send
    (bench/delivery_throughput.py, 2026-12-01).
    """
    return ssl.create_default_context(cafile=cafile)


def _open(config):
    uses_tls = config["MAIL_USE_SSL"] or config["MAIL_USE_TLS"]
    context = _tls_context(config.get("MAIL_CA_FILE")) if uses_tls else None
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    smtp.ehlo()
    if config["MAIL_USE_TLS"]:
        smtp.starttls(context=context)
        smtp.ehlo()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return smtp


def _envelope(smtp, sender, to, token):
    """MAIL and RCPT, asking for a DSN where the server offers it; raises smtplib's errors."""
    needs_utf8 = not (sender.isascii() and to.isascii())
    mail_options, rcpt_options = [], []
    if needs_utf8:
        mail_options += ["SMTPUTF8", "BODY=8BITMIME"]
    if smtp.has_extn("dsn"):
        mail_options += ["RET=HDRS", f"ENVID={xtext(token)}"]
        rcpt_options += ["NOTIFY=SUCCESS,FAILURE"]
    code, text = smtp.mail(sender, mail_options)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, text, sender)
    code, text = smtp.rcpt(to, rcpt_options)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({to: (code, text)})
    return needs_utf8


def converse(config, sender, to, token, build, before_end, on_reply):
    """One SMTP conversation. `build(sender, to)` gives the EmailMessage; `before_end()` commits the
    hand-over just before the final dot; `on_reply(code, text)` records the answer at once.

    Raises smtplib's errors or OSError before the hand-over, Unconfirmed after it.
    """
    smtp = _open(config)
    try:
        smtputf8 = smtp.has_extn("smtputf8")
        sender_bare = envelope_address(sender, smtputf8)
        to_bare = envelope_address(to, smtputf8)
        email = build(header_address(sender, sender_bare), header_address(to, to_bare))
        needs_utf8 = _envelope(smtp, sender_bare, to_bare, token)
        data = email.as_bytes(policy=policy.SMTPUTF8 if needs_utf8 else policy.SMTP)
        code, text = smtp.docmd("DATA")
        if code != 354:
            raise smtplib.SMTPDataError(code, text)
        smtp.send(_dot_stuffed(data))
        before_end()
        try:
            smtp.send(b".\r\n")
            code, text = smtp.getreply()
        except (OSError, smtplib.SMTPException) as error:
            raise Unconfirmed(f"{type(error).__name__}: {error}") from error
        on_reply(code, text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text))
    finally:
        _close(smtp)


def _close(smtp):
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
