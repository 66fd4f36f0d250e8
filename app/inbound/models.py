"""Inbound messages: every message read from the mailbox is kept raw first, then filed."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import UTCDateTime, enum_column
from app.core.timeutil import utcnow
from app.extensions import db


class InboundStatus(enum.StrEnum):
    RECEIVED = "received"  # stored raw, not filed yet
    FILED = "filed"  # matched to a delivery (a response, a DSN, an automatic reply)
    HELD = "held"  # in the holding pen: staff assign it
    DISCARDED = "discarded"  # staff decided it is not about any letter


class InboundMessage(db.Model):
    """One message as it arrived: its raw bytes, where it came from, and where it was filed."""

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The message's Message-ID header ("" when it has none).
    message_id: Mapped[str] = mapped_column(sa.String(998), default="")
    #: SHA-256 of the raw bytes: the same message fetched twice is stored once.
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The raw message (RFC 5322 bytes), always kept, also when it cannot be parsed.
    raw: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    size: Mapped[int]
    #: Where it was read: "imap:<mailbox>:<uidvalidity>:<uid>", "upload" (a staff .eml) or "test".
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[InboundStatus] = enum_column(InboundStatus, default=InboundStatus.RECEIVED, index=True)
    #: Decoded for display and matching (filled when filed).
    sender: Mapped[str] = mapped_column(sa.String(998), default="")
    subject: Mapped[str] = mapped_column(sa.Text, default="")
    #: What it was: reply, auto_reply, dsn_delivered, dsn_failed, unparseable, ...
    kind: Mapped[str] = mapped_column(sa.String(32), default="")
    #: Why it was filed where it is (plus-address token, In-Reply-To, References, ...), or held.
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    delivery_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("deliveries.id", ondelete="SET NULL"), index=True
    )
    response_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="SET NULL"), index=True
    )
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    delivery = relationship("Delivery")
    response = relationship("Response")

    def __repr__(self):
        return f"<InboundMessage {self.id} {self.status} {self.message_id!r}>"


class MailboxState(db.Model):
    """How far the poller has read one mailbox: the UIDVALIDITY and the last UID stored."""

    __tablename__ = "mailbox_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The mailbox URL without its password, e.g. "imaps://replies@mail.example.org:993/INBOX".
    mailbox: Mapped[str] = mapped_column(sa.String(500), unique=True)
    uidvalidity: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    last_uid: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<MailboxState {self.mailbox} {self.uidvalidity}:{self.last_uid}>"
