"""Queue mail and send it: the row is written with the caller's work, sent after commit."""

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from app.core.timeutil import utcnow
from app.extensions import db
from app.mail.models import MailStatus, OutboxMessage

log = logging.getLogger(__name__)


def queue_mail(to, subject, body_text, body_html=None, headers=None):
    """Add a message to the outbox; call send_queued(message.id) after the commit."""
    message = OutboxMessage(
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
    )
    db.session.add(message)
    db.session.flush()
    return message


def send_queued(*message_ids):
    """Hand committed messages to the mail queue.

    Take the ids before the commit: reading a row after it would start a new transaction
    for nothing.
    """
    from app.mail.tasks import send_mail

    for message_id in message_ids:
        send_mail.delay(message_id)


def build_email(message):
    email = EmailMessage()
    email["From"] = message.sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain=message.sender.rsplit("@", 1)[-1].rstrip(">"))
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def deliver(message):
    """Send one message by the configured backend and record the outcome."""
    config = current_app.config
    message.attempts += 1
    if config["MAIL_BACKEND"] == "outbox":
        message.status = MailStatus.KEPT
        message.sent_at = utcnow()
        log.info("kept mail %s to %s in the outbox", message.id, message.to)
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(build_email(message))
    message.status = MailStatus.SENT
    message.sent_at = utcnow()
    log.info("sent mail %s to %s", message.id, message.to)
