"""Responses from recipients, and the public status timeline of a campaign."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import TimestampMixin, UTCDateTime, enum_column
from app.core.timeutil import utcnow
from app.extensions import db


class ResponseChannel(enum.StrEnum):
    EMAIL = "email"
    POST = "post"  # a letter
    STATEMENT = "statement"  # a public statement, or in the press
    MEETING = "meeting"
    PHONE = "phone"
    OFFICIAL_NOTICE = "official_notice"
    OTHER = "other"


class ResponseClassification(enum.StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    AUTOMATIC_REPLY = "automatic_reply"
    REGISTRATION = "registration"  # registered, with the body's reference number
    SUBSTANTIVE = "substantive"
    REFUSAL = "refusal"
    REFERRAL = "referral"  # sent on to another body
    INFORMATION_REQUEST = "information_request"


class ResponseSource(enum.StrEnum):
    STAFF = "staff"  # logged by staff, by hand or from an email
    RECIPIENT = "recipient"  # posted by the recipient itself, through its delivery's private link


class Response(TimestampMixin, db.Model):
    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recipients.id", ondelete="SET NULL"), index=True
    )
    #: The delivery this answers, when known (matched by its reply address).
    delivery_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("deliveries.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[ResponseChannel] = enum_column(ResponseChannel)
    classification: Mapped[ResponseClassification] = enum_column(
        ResponseClassification, default=ResponseClassification.ACKNOWLEDGEMENT
    )
    received_on: Mapped[date]
    #: The body's reference number for the letter, where it gave one (e.g. on registration).
    reference: Mapped[str] = mapped_column(sa.String(200), default="")
    #: An email's subject and sender as decoded; the sender is contact data (editors only).
    subject: Mapped[str] = mapped_column(sa.String(998), default="")
    sender: Mapped[str] = mapped_column(sa.String(998), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    summary_en: Mapped[str] = mapped_column(sa.Text, default="")
    summary_ko: Mapped[str] = mapped_column(sa.Text, default="")
    #: The response itself, as received.
    text: Mapped[str] = mapped_column(sa.Text, default="")
    is_public: Mapped[bool] = mapped_column(default=False)
    #: Who put it on the record: staff, or the recipient through its right of reply.
    source: Mapped[ResponseSource] = enum_column(ResponseSource, default=ResponseSource.STAFF)
    #: The person who answered for the recipient, as they named themselves, and their title.
    responder_name: Mapped[str] = mapped_column(sa.String(200), default="")
    responder_title: Mapped[str] = mapped_column(sa.String(200), default="")

    attachments: Mapped[list["ResponseAttachment"]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="ResponseAttachment.id"
    )
    #: Further deliveries this one reply answers too (a ministry answering two letters at once).
    also_answers: Mapped[list["ResponseDelivery"]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="ResponseDelivery.delivery_id"
    )
    recipient = relationship("Recipient")
    letter = relationship("Letter")
    delivery = relationship("Delivery")

    def __repr__(self):
        return f"<Response {self.id} letter={self.letter_id} {self.received_on}>"

    @property
    def is_automatic(self):
        return self.classification == ResponseClassification.AUTOMATIC_REPLY

    @classmethod
    def answers(cls):
        """SQL: the response answers its delivery (an automatic reply never does)."""
        return cls.classification != ResponseClassification.AUTOMATIC_REPLY

    @property
    def delivery_ids(self):
        """Every delivery this answers: the primary one first, then the ones staff attached."""
        primary = [self.delivery_id] if self.delivery_id else []
        return primary + [link.delivery_id for link in self.also_answers if link.delivery_id not in primary]


class ResponseDelivery(db.Model):
    """A further delivery a response answers; the response's own delivery_id stays the primary one."""

    __tablename__ = "response_deliveries"

    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    delivery_id: Mapped[int] = mapped_column(
        sa.ForeignKey("deliveries.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    response: Mapped[Response] = relationship(back_populates="also_answers")
    delivery = relationship("Delivery")

    def __repr__(self):
        return f"<ResponseDelivery response={self.response_id} delivery={self.delivery_id}>"


class ResponseAttachment(db.Model):
    __tablename__ = "response_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    #: SHA-256 of the stored bytes: anyone holding the file can check it.
    sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    #: Path under the upload folder's responses/ directory; served only to staff unless public.
    storage_path: Mapped[str] = mapped_column(sa.String(255))
    #: Shown to the public only when staff publish it and its response is public.
    is_public: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The text read out of a Hangul (HWPX) file, for the preview; empty for other files.
    extracted_text: Mapped[str] = mapped_column(sa.Text, default="")

    response: Mapped[Response] = relationship(back_populates="attachments")

    def __repr__(self):
        return f"<ResponseAttachment {self.id} {self.filename!r}>"

    @property
    def is_original_email(self):
        return self.content_type == "message/rfc822"

    @property
    def is_hwpx(self):
        return self.content_type == "application/hwp+zip"

    @property
    def is_hwp(self):
        """A legacy Hangul file: kept as it came, to be opened in Hangul (nothing here reads it)."""
        return self.content_type == "application/x-hwp"

    @property
    def is_shown_publicly(self):
        return self.is_public and self.response.is_public


class StatusKind(enum.StrEnum):
    PUBLISHED = "published"
    SUBMITTED = "submitted"
    DELIVERED = "delivered"
    RECEIVED = "received"
    REGISTERED = "registered"
    ACKNOWLEDGED = "acknowledged"
    UNDER_CONSIDERATION = "under_consideration"
    RESPONDED = "responded"
    REFERRED = "referred"
    FOLLOWED_UP = "followed_up"
    RESOLVED = "resolved"
    DECLINED = "declined"
    CLOSED = "closed"
    #: The response clock: an extension granted (a new due date), a pause while the body awaits a
    #: clarification, and its end.
    EXTENDED = "extended"
    PAUSED = "paused"
    RESUMED = "resumed"
    OTHER = "other"


class StatusEvent(TimestampMixin, db.Model):
    """A dated step of a letter's timeline; public only when staff accept and publish it."""

    __tablename__ = "status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    letter_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("letters.id", ondelete="SET NULL"), index=True
    )
    #: Evidence: the response or the delivery this event comes from.
    response_id: Mapped[int | None] = mapped_column(sa.ForeignKey("responses.id", ondelete="SET NULL"))
    delivery_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("deliveries.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[StatusKind] = enum_column(StatusKind)
    occurred_on: Mapped[date]
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    title_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    description_ko: Mapped[str] = mapped_column(sa.Text, default="")
    #: A reference number the receiving body gave, e.g. on registration.
    reference: Mapped[str] = mapped_column(sa.String(100), default="")
    #: On an extension: the new due date the body gave.
    new_due_on: Mapped[date | None]
    #: Evidence: an uploaded file, its path under the upload folder's timeline/ directory.
    evidence_path: Mapped[str] = mapped_column(sa.String(300), default="")
    evidence_filename: Mapped[str] = mapped_column(sa.String(255), default="")
    is_public: Mapped[bool] = mapped_column(default=True)
    #: Proposed by the system (a delivery, a response); shown nowhere public until staff accept it.
    is_proposed: Mapped[bool] = mapped_column(default=False)

    campaign = relationship("Campaign", back_populates="status_events")
    letter = relationship("Letter")
    delivery = relationship("Delivery")
    response = relationship("Response")

    def __repr__(self):
        return f"<StatusEvent {self.id} {self.kind} {self.occurred_on}>"

    def accept(self):
        """Staff take a proposal as it stands."""
        self.is_proposed = False
