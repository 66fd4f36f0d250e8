"""Outgoing mail: every message is a row first, then sent by the mail queue."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import UTCDateTime, enum_column
from app.core.timeutil import utcnow
from app.extensions import db


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"  # handed to the SMTP server
    KEPT = "kept"  # kept in the local outbox (development): staff read it in the UI
    FAILED = "failed"


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
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<OutboxMessage {self.id} to={self.to!r} {self.status}>"
