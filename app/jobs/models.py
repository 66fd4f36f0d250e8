"""A piece of long staff work: what it is, how far it has come, and how it ended."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Language, UTCDateTime, enum_column
from app.core.timeutil import utcnow
from app.extensions import db


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class StaffJob(db.Model):
    __tablename__ = "staff_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "signatures.bulk" or "signatures.import".
    kind: Mapped[str] = mapped_column(sa.String(40))
    letter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[JobState] = enum_column(JobState, default=JobState.QUEUED)
    #: The language of the staff member who started it: its result is written in it.
    language: Mapped[Language] = enum_column(Language, default=Language.EN)
    #: What the work needs: signature ids and the decision, or the staged file's token.
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    #: The outcome in plain words, in `language`: the result, or what went wrong.
    message: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    letter = relationship("Letter")
    actor = relationship("User")

    def __repr__(self):
        return f"<StaffJob {self.id} {self.kind} {self.state} {self.done}/{self.total}>"

    @property
    def is_running(self):
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    def progress(self):
        """What the page and its JSON show: counts, percent, whether it still runs, the outcome."""
        finished = 0 if self.is_running else 100
        percent = round(100 * self.done / self.total) if self.total else finished
        return {
            "state": str(self.state),
            "total": self.total,
            "done": self.done,
            "percent": percent,
            "running": self.is_running,
            "message": self.message,
        }
