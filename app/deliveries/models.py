"""Deliveries: one letter to one recipient over one channel, with its state, history and proof."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import TimestampMixin, UTCDateTime, enum_column
from app.core.timeutil import utcnow
from app.documents.models import DocumentLanguage
from app.extensions import db


class Channel(enum.StrEnum):
    EMAIL = "email"
    POST = "post"
    COURIER = "courier"
    FAX = "fax"
    HAND = "hand"
    PORTAL = "portal"
    PARTNER = "partner"  # through a partner organization


class DeliveryStatus(enum.StrEnum):
    PLANNED = "planned"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    BOUNCED = "bounced"
    CANCELLED = "cancelled"
    #: The message was handed to the server but the worker stopped before it recorded the answer:
    #: it may have arrived. Never sent again without a person deciding.
    UNCONFIRMED = "unconfirmed"


class ActorKind(enum.StrEnum):
    STAFF = "staff"
    WORKER = "worker"
    PARTNER = "partner"


class ProofKind(enum.StrEnum):
    RECEIPT = "receipt"  # a stamped or signed receipt, a postal receipt
    PHOTO = "photo"
    TRACKING = "tracking"  # tracking events of the carrier
    TRANSMISSION_REPORT = "transmission_report"  # fax
    PARTNER_RECORD = "partner_record"  # the partner organization's confirmation
    SMTP_REPLY = "smtp_reply"  # the SMTP server's final answer
    OTHER = "other"


class DeliveryBatch(db.Model):
    """Deliveries of one letter planned and sent together, with their own page."""

    __tablename__ = "delivery_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    deliveries: Mapped[list["Delivery"]] = relationship(back_populates="batch")
    letter = relationship("Letter")

    def __repr__(self):
        return f"<DeliveryBatch {self.id} letter={self.letter_id}>"


class Delivery(TimestampMixin, db.Model):
    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    #: The version delivered: fixed when the delivery is planned.
    version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letter_versions.id", ondelete="RESTRICT"))
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("recipients.id", ondelete="RESTRICT"), index=True)
    batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delivery_batches.id", ondelete="SET NULL"), index=True
    )
    #: The PDF that was (or will be) sent; a document a delivery references is kept for the record.
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    #: SHA-256 of that document's bytes, fixed with it: anyone holding the file can check it.
    document_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    channel: Mapped[Channel] = enum_column(Channel)
    #: en, ko or both (one PDF with both texts).
    language: Mapped[DocumentLanguage] = enum_column(DocumentLanguage, default=DocumentLanguage.EN)
    status: Mapped[DeliveryStatus] = enum_column(DeliveryStatus, default=DeliveryStatus.PLANNED, index=True)
    #: When to send; None: as soon as it is queued.
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Unique per delivery: its reply address and DSN envelope id are made from it.
    reply_token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    #: The address (email, fax number) it goes to, fixed when it is queued. Contact data.
    destination: Mapped[str] = mapped_column(sa.String(320), default="")
    #: Message-ID of the email, the same on every attempt so a receiving server can drop a repeat.
    message_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    #: A staff member confirmed sending again to a recipient already delivered to.
    is_resend: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When a worker claimed the current attempt (committed before it talks to the server).
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Committed just before the message's end was sent to the server: from here on a lost
    #: answer means "unconfirmed", not "send again".
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The server's final answer (code, text, queue id) or the carrier's last word.
    server_reply: Mapped[str] = mapped_column(sa.Text, default="")
    #: A stable reason when failed or bounced, e.g. "refused", "no_address", "gave_up".
    failure_reason: Mapped[str] = mapped_column(sa.String(64), default="")
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    #: Channel records: carrier, tracking number, cost, who received it, portal reference, partner.
    carrier: Mapped[str] = mapped_column(sa.String(100), default="")
    tracking_number: Mapped[str] = mapped_column(sa.String(100), default="")
    cost: Mapped[str] = mapped_column(sa.String(40), default="")
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_by: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Who handed it over: a coalition member (hand delivery) or the partner's person (partner).
    delivered_by: Mapped[str] = mapped_column(sa.String(200), default="")
    reference: Mapped[str] = mapped_column(sa.String(200), default="")
    partner_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Tracking number, fax report, hand-delivery receipt, portal reference (free text).
    proof: Mapped[str] = mapped_column(sa.Text, default="")
    #: When the first automatic reply arrived (the recipient's system acknowledged it); set once.
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When to ask staff whether the recipient replied.
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: A chaser: a follow-up to this earlier delivery that was not answered in time.
    chaser_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("deliveries.id", ondelete="SET NULL"), index=True
    )
    #: The chaser's follow-up text, in the delivery's language: its cover message when emailed.
    chaser_text: Mapped[str] = mapped_column(sa.Text, default="")

    letter = relationship("Letter")
    recipient = relationship("Recipient")
    document = relationship("Document")
    chaser_of: Mapped["Delivery | None"] = relationship(remote_side=[id], foreign_keys=[chaser_of_id])
    batch: Mapped[DeliveryBatch | None] = relationship(back_populates="deliveries")
    events: Mapped[list["DeliveryEvent"]] = relationship(
        back_populates="delivery", order_by="DeliveryEvent.id", cascade="all, delete-orphan"
    )
    proofs: Mapped[list["DeliveryProof"]] = relationship(
        back_populates="delivery", order_by="DeliveryProof.id", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<Delivery {self.id} letter={self.letter_id} {self.channel} {self.status}>"

    def move_to(self, status, actor=None, detail="", actor_kind=None):
        """Change state as the state machine allows, and record it; see app.deliveries.states."""
        from app.deliveries.states import move

        return move(self, status, actor=actor, detail=detail, actor_kind=actor_kind)


class DeliveryEvent(db.Model):
    """One change of a delivery's state: when, by whom (a person, the worker, the partner), why."""

    __tablename__ = "delivery_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("deliveries.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_status: Mapped[DeliveryStatus | None] = enum_column(
        DeliveryStatus, name="from_status", nullable=True
    )
    to_status: Mapped[DeliveryStatus] = enum_column(DeliveryStatus, name="to_status")
    actor_kind: Mapped[ActorKind] = enum_column(ActorKind, default=ActorKind.STAFF)
    #: The staff member; None for the worker or the partner.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: The attempt this change belongs to (0 before the first).
    attempt: Mapped[int] = mapped_column(default=0)
    detail: Mapped[str] = mapped_column(sa.Text, default="")

    delivery: Mapped[Delivery] = relationship(back_populates="events")
    actor = relationship("User")

    def __repr__(self):
        return f"<DeliveryEvent {self.id} delivery={self.delivery_id} {self.from_status}->{self.to_status}>"


class DeliveryProof(db.Model):
    """A file that proves a step: a receipt scan, a photo, a fax report, the partner's confirmation."""

    __tablename__ = "delivery_proofs"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("deliveries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ProofKind] = enum_column(ProofKind, default=ProofKind.OTHER)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Path under the upload folder's proofs/ directory; served to staff only.
    path: Mapped[str] = mapped_column(sa.String(300))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    actor_kind: Mapped[ActorKind] = enum_column(ActorKind, default=ActorKind.STAFF)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    delivery: Mapped[Delivery] = relationship(back_populates="proofs")

    def __repr__(self):
        return f"<DeliveryProof {self.id} delivery={self.delivery_id} {self.kind}>"
