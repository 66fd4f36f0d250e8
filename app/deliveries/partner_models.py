"""Delivery through a partner organization: the private link sent to the partner, and what it reports."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import UTCDateTime
from app.core.timeutil import as_utc, utcnow
from app.extensions import db


class PartnerLink(db.Model):
    """One private link to a delivery's page for the partner; a reissue is a new row, the old revoked."""

    __tablename__ = "delivery_partner_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("deliveries.id", ondelete="CASCADE"), index=True)
    #: The partner's contact address the link was sent to. Contact data: editors only.
    email: Mapped[str] = mapped_column(sa.String(320))
    #: Carried in the signed token: a token of a revoked or replaced link names another row's nonce.
    nonce: Mapped[str] = mapped_column(sa.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: The email that carried the link: written with the link, in the same transaction, once.
    outbox_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )

    delivery = relationship("Delivery")

    def __repr__(self):
        return f"<PartnerLink {self.id} delivery={self.delivery_id}>"

    @property
    def is_expired(self):
        return as_utc(self.expires_at) <= utcnow()

    @property
    def is_active(self):
        return self.revoked_at is None and not self.is_expired


class PartnerReport(db.Model):
    """What the partner entered through its link at one time; staff review and accept it."""

    __tablename__ = "delivery_partner_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("deliveries.id", ondelete="CASCADE"), index=True)
    link_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delivery_partner_links.id", ondelete="SET NULL")
    )
    #: The partner organization as the delivery named it when the report came in.
    partner_name: Mapped[str] = mapped_column(sa.String(200), default="")
    dispatched_on: Mapped[date | None]
    delivered_on: Mapped[date | None]
    #: Who received it at the recipient, and who handed it over at the partner. Contact data.
    received_by: Mapped[str] = mapped_column(sa.String(200), default="")
    delivered_by: Mapped[str] = mapped_column(sa.String(200), default="")
    #: What the partner learned, e.g. "registered under number 1234".
    note: Mapped[str] = mapped_column(sa.Text, default="")
    proof_id: Mapped[int | None] = mapped_column(sa.ForeignKey("delivery_proofs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    delivery = relationship("Delivery")
    proof = relationship("DeliveryProof")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])

    def __repr__(self):
        return f"<PartnerReport {self.id} delivery={self.delivery_id}>"

    @property
    def is_reviewed(self):
        return self.reviewed_at is not None
