"""The audit log: who did what to which record, and when; append-only (see migration 0025's trigger)."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import UTCDateTime, enum_column
from app.core.timeutil import utcnow
from app.extensions import db


class AuditKind(enum.StrEnum):
    STAFF = "staff"  # a staff member acted (actor set)
    WORKER = "worker"  # a background task changed something on its own
    PUBLIC = "public"  # a member of the public (a sign-on, a withdrawal, a reconfirmation)


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The staff member who acted; None for a worker or the public.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[AuditKind] = enum_column(
        AuditKind, default=AuditKind.STAFF, server_default="staff", index=True
    )
    #: The campaign the change belongs to, where it belongs to one (kept as a plain id: entries outlive rows).
    campaign_id: Mapped[int | None] = mapped_column(index=True)
    #: A dotted verb such as "user.login" or "letter.approve".
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(32))
    object_id: Mapped[int | None]
    #: Extra facts as JSON; never personal data beyond what the action needs.
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: For an edit: the changed fields' values before and after.
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor = relationship("User")

    def __repr__(self):
        return f"<AuditLog {self.id} {self.action} {self.object_type}:{self.object_id}>"


def campaign_of(obj):
    """The campaign id an object belongs to: itself, its campaign_id, or its letter's campaign."""
    if obj is None:
        return None
    if getattr(obj, "__tablename__", None) == "campaigns":
        return obj.id
    if getattr(obj, "campaign_id", None) is not None:
        return obj.campaign_id
    letter = getattr(obj, "letter", None)
    if getattr(letter, "campaign_id", None) is not None:
        return letter.campaign_id
    letter_id = getattr(obj, "letter_id", None)
    if letter_id is None and getattr(obj, "response", None) is not None:
        letter_id = obj.response.letter_id
    if letter_id is not None:
        from app.letters.models import Letter

        return db.session.scalar(sa.select(Letter.campaign_id).where(Letter.id == letter_id))
    return None


def changes(before, after):
    """(before, after) limited to the keys whose values differ."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _unproxied(obj):
    """The object behind Flask-Login's current_user proxy, where one is given."""
    unwrap = getattr(obj, "_get_current_object", None)
    return unwrap() if unwrap is not None else obj


def record(action, obj=None, actor=None, campaign=None, before=None, after=None, kind=None, **details):
    """Add an audit entry to the session (flushed with the caller's work).

    `kind` defaults to staff when there is an actor, else worker; pass kind="public" for the public.
    """
    obj = _unproxied(obj)
    entry = AuditLog(
        action=action,
        actor_id=getattr(actor, "id", None),
        kind=AuditKind(kind) if kind else (AuditKind.STAFF if actor is not None else AuditKind.WORKER),
        campaign_id=campaign.id if hasattr(campaign, "id") else campaign if campaign else campaign_of(obj),
        object_type=type(obj).__tablename__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        details=details,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
