"""Outgoing mail: every message is a row first, then sent by the mail queue."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import UTCDateTime, enum_column
from app.core.timeutil import utcnow
from app.extensions import db


class MailStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for a worker, now or at next_attempt_at
    SENDING = "sending"  # a worker claimed it and is talking to the SMTP server
    SENT = "sent"  # handed to the SMTP server
    KEPT = "kept"  # kept in the local outbox (development): staff read it in the UI
    FAILED = "failed"  # given up, for failure_reason
    #: The worker stopped in the middle of sending: it may or may not have arrived. A person decides.
    UNCONFIRMED = "unconfirmed"


class MailFailure(enum.StrEnum):
    REFUSED = "refused"  # the SMTP server refused it for good (5xx)
    INVALID_MESSAGE = "invalid_message"  # the email library could not write it
    NEEDS_SMTPUTF8 = "needs_smtputf8"  # the address needs SMTPUTF8, which the server does not offer
    INVALID_ADDRESS = "invalid_address"
    GAVE_UP = "gave_up"  # passing failures, MAIL_MAX_ATTEMPTS times


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender: Mapped[str] = mapped_column(sa.String(300))
    to: Mapped[str] = mapped_column(sa.String(1000))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    #: Extra headers, e.g. Reply-To or Auto-Submitted.
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[MailStatus] = enum_column(MailStatus, default=MailStatus.QUEUED, index=True)
    failure_reason: Mapped[MailFailure | None] = enum_column(MailFailure, nullable=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: When a send task for it was last given to the broker; None: the broker never got one.
    handed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the last attempt started (the claim, before the SMTP conversation).
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: After a passing failure: not tried again before this time.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the address and body were blanked after MAIL_RETENTION_DAYS.
    blanked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A PDF the message carries (a delivered letter), and the file name it is attached under.
    attachment_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))
    attachment_filename: Mapped[str] = mapped_column(sa.String(255), default="")

    def __repr__(self):
        return f"<OutboxMessage {self.id} to={self.to!r} {self.status}>"

    @property
    def can_send_again(self):
        """Failed and unconfirmed messages wait for a person, who may send them again."""
        return self.status in (MailStatus.FAILED, MailStatus.UNCONFIRMED) and self.blanked_at is None

    def start(self):
        self.status = MailStatus.SENDING
        self.attempts += 1
        self.last_attempt_at = utcnow()
        self.next_attempt_at = None

    def finish(self, status=MailStatus.SENT):
        self.status = status
        self.sent_at = utcnow()
        self.failure_reason = None
        self.last_error = ""

    def postpone(self, until, error):
        """A passing failure: queued again, for a worker to try at `until`."""
        self.status = MailStatus.QUEUED
        self.next_attempt_at = until
        self.handed_off_at = None
        self.last_error = error[:2000]

    def fail(self, reason, error):
        self.status = MailStatus.FAILED
        self.failure_reason = reason
        self.last_error = error[:2000]

    def send_again(self):
        """Queued again by a person; handed to the broker after the commit, like a new message."""
        self.status = MailStatus.QUEUED
        self.failure_reason = None
        self.next_attempt_at = None
        self.handed_off_at = utcnow()
