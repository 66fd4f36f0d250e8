"""Deliveries: one letter to one recipient over one channel, with its state and proof."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Language, TimestampMixin, UTCDateTime, enum_column
from app.extensions import db


class Channel(enum.StrEnum):
    EMAIL = "email"
    POST = "post"
    COURIER = "courier"
    FAX = "fax"
    HAND = "hand"
    PORTAL = "portal"


class DeliveryStatus(enum.StrEnum):
    PLANNED = "planned"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Delivery(TimestampMixin, db.Model):
    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    #: The version delivered; fixed once sent.
    version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letter_versions.id", ondelete="RESTRICT"))
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("recipients.id", ondelete="RESTRICT"), index=True)
    #: The PDF that was (or will be) sent; a document a delivery references is kept for the record.
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    channel: Mapped[Channel] = enum_column(Channel)
    language: Mapped[Language] = enum_column(Language, default=Language.EN)
    status: Mapped[DeliveryStatus] = enum_column(DeliveryStatus, default=DeliveryStatus.PLANNED)
    #: Unique per delivery; replies to <token>@reply-domain match themselves to it.
    reply_token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Tracking number, fax report, hand-delivery receipt, portal reference.
    proof: Mapped[str] = mapped_column(sa.Text, default="")
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    #: When to ask staff whether the recipient replied.
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    letter = relationship("Letter")
    recipient = relationship("Recipient")
    document = relationship("Document")

    def __repr__(self):
        return f"<Delivery {self.id} letter={self.letter_id} {self.channel} {self.status}>"
