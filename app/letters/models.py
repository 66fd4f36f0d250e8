"""Letters, their revisions while drafted, and the frozen versions people sign."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Language, TimestampMixin, UTCDateTime, enum_column
from app.core.timeutil import utcnow
from app.extensions import db

#: The bilingual text parts of a letter, each stored as <part>_en and <part>_ko.
TEXT_PARTS = ("title", "subject", "salutation", "body", "closing", "signatories_intro")

#: Longest accepted length of each part, in characters.
TEXT_LIMITS = {
    "title": 300,
    "subject": 300,
    "salutation": 200,
    "body": 60000,
    "closing": 500,
    "signatories_intro": 300,
}


class LetterKind(enum.StrEnum):
    OPEN_LETTER = "open_letter"
    PETITION = "petition"


class LetterStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    OPEN = "open"
    CLOSED = "closed"
    DELIVERED = "delivered"
    ARCHIVED = "archived"


#: Letters the public may read and download (signing also needs OPEN).
PUBLIC_LETTER_STATUSES = (LetterStatus.OPEN, LetterStatus.CLOSED, LetterStatus.DELIVERED)


class LetterText:
    """English and Korean text of every part of a letter; the body is Markdown."""

    title_en: Mapped[str] = mapped_column(sa.String(300), default="")
    title_ko: Mapped[str] = mapped_column(sa.String(300), default="")
    subject_en: Mapped[str] = mapped_column(sa.String(300), default="")
    subject_ko: Mapped[str] = mapped_column(sa.String(300), default="")
    salutation_en: Mapped[str] = mapped_column(sa.String(200), default="")
    salutation_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    body_ko: Mapped[str] = mapped_column(sa.Text, default="")
    closing_en: Mapped[str] = mapped_column(sa.String(500), default="")
    closing_ko: Mapped[str] = mapped_column(sa.String(500), default="")
    signatories_intro_en: Mapped[str] = mapped_column(sa.String(300), default="")
    signatories_intro_ko: Mapped[str] = mapped_column(sa.String(300), default="")

    def text(self, part, lang):
        return getattr(self, f"{part}_{lang}")

    def texts(self, lang):
        return {part: self.text(part, lang) for part in TEXT_PARTS}


class Letter(LetterText, TimestampMixin, db.Model):
    __tablename__ = "letters"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[LetterKind] = enum_column(LetterKind, default=LetterKind.OPEN_LETTER)
    status: Mapped[LetterStatus] = enum_column(LetterStatus, default=LetterStatus.DRAFT, index=True)
    #: Folder name under letter_templates/.
    template: Mapped[str] = mapped_column(sa.String(64), default="formal")
    #: A letter in one language only may open without the other.
    single_language: Mapped[Language | None] = enum_column(Language, nullable=True)
    letter_date: Mapped[date | None]
    place_en: Mapped[str] = mapped_column(sa.String(120), default="")
    place_ko: Mapped[str] = mapped_column(sa.String(120), default="")
    #: Whether individuals, like organizations, wait for staff approval before being listed.
    is_individual_approval_required: Mapped[bool] = mapped_column(default=False)
    #: Sign-ons allowed from one IP address, in Flask-Limiter notation; over it they are held.
    sign_on_limits: Mapped[str] = mapped_column(sa.String(100), default="1 per 60 seconds; 5 per 300 seconds")
    #: When the letter stopped taking signatures; personal data is anonymized a while after.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Bumped on every save; a save based on an older number is refused (optimistic locking).
    lock_version: Mapped[int] = mapped_column(default=1)
    #: Working days the recipients have to answer this letter; None: RESPONSE_DUE_WORKING_DAYS.
    response_due_working_days: Mapped[int | None] = mapped_column()

    campaign = relationship("Campaign", back_populates="letters")
    versions: Mapped[list["LetterVersion"]] = relationship(
        back_populates="letter", order_by="LetterVersion.number"
    )
    recipient_links: Mapped[list["LetterRecipient"]] = relationship(
        back_populates="letter",
        order_by="LetterRecipient.position",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": lock_version}

    def __repr__(self):
        return f"<Letter {self.id} {self.slug} {self.status}>"

    @property
    def current_version(self):
        return self.versions[-1] if self.versions else None


class LetterRevision(LetterText, db.Model):
    """One save of the draft: who saved what, and when."""

    __tablename__ = "letter_revisions"
    __table_args__ = (sa.UniqueConstraint("letter_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")

    def __repr__(self):
        return f"<LetterRevision letter={self.letter_id} #{self.number}>"


class LetterVersion(LetterText, db.Model):
    """Everything a letter prints, frozen: people sign it; a later edit makes a new version.

    A version is made when the letter opens and when another editor approves later changes
    (app.letters.workflow); until then the public pages and PDFs print the one before.
    """

    __tablename__ = "letter_versions"
    __table_args__ = (sa.UniqueConstraint("letter_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    number: Mapped[int]
    letter_date: Mapped[date | None]
    place_en: Mapped[str] = mapped_column(sa.String(120), default="")
    place_ko: Mapped[str] = mapped_column(sa.String(120), default="")
    #: The design it prints with (a folder of letter_templates/).
    template: Mapped[str] = mapped_column(sa.String(64), default="formal")
    #: Set when the version is in one language only.
    single_language: Mapped[Language | None] = enum_column(Language, nullable=True)
    #: The last draft revision when it was frozen: later revisions are changes still to approve.
    revision_number: Mapped[int | None]
    #: SHA-256 over the frozen text, so a copy can be proven unchanged.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    frozen_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    letter: Mapped[Letter] = relationship(back_populates="versions")
    #: The recipients it is addressed to, in order (as Letter.recipient_links for the draft).
    recipient_links: Mapped[list["LetterVersionRecipient"]] = relationship(
        order_by="LetterVersionRecipient.position", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<LetterVersion letter={self.letter_id} v{self.number}>"


class LetterRecipient(db.Model):
    """A recipient the letter is addressed to, in the order of the address blocks."""

    __tablename__ = "letter_recipients"

    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recipients.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(default=0)

    letter: Mapped[Letter] = relationship(back_populates="recipient_links")
    recipient = relationship("Recipient")

    def __repr__(self):
        return f"<LetterRecipient letter={self.letter_id} recipient={self.recipient_id}>"


class LetterVersionRecipient(db.Model):
    """A recipient a frozen version is addressed to, in the order of the address blocks."""

    __tablename__ = "letter_version_recipients"

    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letter_versions.id", ondelete="CASCADE"), primary_key=True
    )
    recipient_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recipients.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(default=0)

    recipient = relationship("Recipient")

    def __repr__(self):
        return f"<LetterVersionRecipient version={self.version_id} recipient={self.recipient_id}>"
