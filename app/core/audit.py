"""The audit log: who did what to which record, and when."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import UTCDateTime
from app.core.timeutil import utcnow
from app.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The staff member who acted; None for the system or the public.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: A dotted verb such as "user.login" or "letter.approve".
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(32))
    object_id: Mapped[int | None]
    #: Extra facts as JSON; never personal data beyond what the action needs.
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor = relationship("User")

    def __repr__(self):
        return f"<AuditLog {self.id} {self.action} {self.object_type}:{self.object_id}>"


def record(action, obj=None, actor=None, **details):
    """Add an audit entry to the session (flushed with the caller's work)."""
    entry = AuditLog(
        action=action,
        actor_id=getattr(actor, "id", None),
        object_type=type(obj).__tablename__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        details=details,
    )
    db.session.add(entry)
    return entry
