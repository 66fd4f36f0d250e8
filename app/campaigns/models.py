"""Campaigns: one cause, holding its letters and its public timeline."""

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import TimestampMixin, enum_column
from app.extensions import db


class CampaignStatus(enum.StrEnum):
    ACTIVE = "active"
    RESOLVED = "resolved"
    ARCHIVED = "archived"


class Campaign(TimestampMixin, db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Used in public URLs: /c/<slug>.
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    title_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    summary_en: Mapped[str] = mapped_column(sa.Text, default="")
    summary_ko: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[CampaignStatus] = enum_column(CampaignStatus, default=CampaignStatus.ACTIVE)
    #: Loaded by `flask demo load`; the demo can be told apart and removed.
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    letters = relationship("Letter", back_populates="campaign", order_by="Letter.id")
    status_events = relationship("StatusEvent", back_populates="campaign", order_by="StatusEvent.occurred_on")

    def __repr__(self):
        return f"<Campaign {self.id} {self.slug}>"

    def title(self, lang):
        """The title in `lang`, falling back to the other language."""
        first, second = (self.title_ko, self.title_en) if lang == "ko" else (self.title_en, self.title_ko)
        return first or second
