"""Rendered, signed PDFs of letters, cached by what went into them."""

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import TimestampMixin, UTCDateTime, enum_column
from app.core.timeutil import utcnow
from app.extensions import db


class DocumentStatus(enum.StrEnum):
    QUEUED = "queued"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


class DocumentLanguage(enum.StrEnum):
    EN = "en"
    KO = "ko"
    BOTH = "both"  # the English text, then the Korean one, in one file

    @property
    def languages(self):
        return ("en", "ko") if self is DocumentLanguage.BOTH else (self.value,)


class DocumentVariant(enum.StrEnum):
    STANDARD = "standard"
    PDFA = "pdfa"  # PDF/A for archives


class FailureReason(enum.StrEnum):
    TEMPLATE = "template_error"
    TIME_LIMIT = "time_limit"
    DISK_FULL = "disk_full"
    STORAGE = "storage_error"
    SIGNING = "signing_error"
    RENDER = "render_error"


def new_token():
    return secrets.token_urlsafe(24)


class Document(TimestampMixin, db.Model):
    """One PDF of one letter version, language, recipient and variant, with its signatories as of a time."""

    __tablename__ = "documents"
    __table_args__ = (
        sa.Index("ix_documents_letter_language_status", "letter_id", "language", "variant", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unguessable id in the document's URL; also its file name in storage.
    token: Mapped[str] = mapped_column(sa.String(40), unique=True, default=new_token)
    #: SHA-256 over everything that shapes the PDF (see documents.keys): same key, same document.
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letter_versions.id", ondelete="RESTRICT"), index=True
    )
    language: Mapped[DocumentLanguage] = enum_column(DocumentLanguage)
    #: The one recipient addressed; None addresses every recipient of the letter.
    recipient_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recipients.id", ondelete="SET NULL"), index=True
    )
    variant: Mapped[DocumentVariant] = enum_column(DocumentVariant, default=DocumentVariant.STANDARD)
    #: The letter design's folder name and a hash of its files when the key was made.
    template: Mapped[str] = mapped_column(sa.String(64))
    template_hash: Mapped[str] = mapped_column(sa.String(64))
    #: The public signatory list as printed: ids, names, lines, display choice, in order.
    #: Loaded only when read (rendering, verifying): a list may hold thousands of names, and
    #: downloads, state pages and staff lists never need it.
    signatories: Mapped[dict] = mapped_column(sa.JSON, default=dict, deferred=True)
    #: Signatories counted (listed or not), as printed under "as of".
    signatory_count: Mapped[int] = mapped_column(default=0)
    #: The time the signatory list was taken; the PDF says "as of" this date.
    as_of: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[DocumentStatus] = enum_column(DocumentStatus, default=DocumentStatus.QUEUED, index=True)
    #: Percent done while rendering, when the renderer tells.
    progress: Mapped[int | None]
    failure_reason: Mapped[FailureReason | None] = enum_column(FailureReason, nullable=True)
    #: What went wrong, for staff; never shown to the public.
    error: Mapped[str] = mapped_column(sa.String(1000), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    #: SHA-256 of the signed file: a download is found again by it.
    sha256: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    size: Mapped[int | None]
    page_count: Mapped[int | None]
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when a signatory it lists had their data erased: never served to the public again, and
    #: its file is deleted unless a delivery sent it (then staff keep it for the record).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    letter = relationship("Letter")
    version = relationship("LetterVersion")
    recipient = relationship("Recipient")

    def __repr__(self):
        return f"<Document {self.id} letter={self.letter_id} {self.language} {self.variant} {self.status}>"

    @property
    def is_ready(self):
        return self.status == DocumentStatus.READY

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def is_pending(self):
        return self.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING)

    def start(self):
        self.status = DocumentStatus.RENDERING
        self.progress = 0
        self.attempts += 1
        self.started_at = utcnow()

    def finish(self, sha256, size, page_count):
        self.status = DocumentStatus.READY
        self.sha256, self.size, self.page_count = sha256, size, page_count
        self.progress = 100
        self.failure_reason, self.error = None, ""
        self.finished_at = utcnow()

    def fail(self, reason, error):
        self.status = DocumentStatus.FAILED
        self.failure_reason = FailureReason(reason)
        self.error = str(error)[:1000]
        self.finished_at = utcnow()

    def requeue(self):
        self.status = DocumentStatus.QUEUED
        self.progress = None
        self.failure_reason, self.error = None, ""
        self.started_at = self.finished_at = None
