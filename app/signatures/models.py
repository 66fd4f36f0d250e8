"""Signatories (organizations and individuals) and their signatures on letter versions."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.core.models import Language, TimestampMixin, UTCDateTime, enum_column
from app.core.timeutil import utcnow
from app.extensions import db


class SignatoryKind(enum.StrEnum):
    ORGANIZATION = "organization"
    INDIVIDUAL = "individual"


class Display(enum.StrEnum):
    """How a signatory appears in public: the choice protects people at risk."""

    FULL = "full"
    INITIALS = "initials"
    COUNTED = "counted"  # counted, but never listed


class SignatureStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the email confirmation
    HELD = "held"  # over a rate limit or caught as a bot: a person decides
    CONFIRMED = "confirmed"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    MERGED = "merged"


#: Signatures that stand (or may soon): one person has at most one of them per letter.
STANDING = (
    SignatureStatus.PENDING,
    SignatureStatus.HELD,
    SignatureStatus.CONFIRMED,
    SignatureStatus.APPROVED,
)
_ONE_STANDING_PER_EMAIL = sa.text(
    "email_key != '' AND status IN (" + ", ".join(f"'{status}'" for status in STANDING) + ")"
)


class SignatureSource(enum.StrEnum):
    FORM = "form"
    STAFF = "staff"
    IMPORT = "import"
    DEMO = "demo"


class Signatory(TimestampMixin, db.Model):
    __tablename__ = "signatories"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SignatoryKind] = enum_column(SignatoryKind)
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    name_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Relationship or affiliation line (individuals) or a one-line description (organizations).
    line_en: Mapped[str] = mapped_column(sa.String(300), default="")
    line_ko: Mapped[str] = mapped_column(sa.String(300), default="")
    #: ISO 3166-1 alpha-2 code.
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Contact person of an organization; never public.
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Never public.
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    #: Lower-cased, dots and +tags removed for common providers: finds the same person twice.
    email_key: Mapped[str] = mapped_column(sa.String(254), default="", index=True)
    #: Normalized name of an organization: finds the same organization twice.
    name_key: Mapped[str] = mapped_column(sa.String(200), default="", index=True)
    #: Stored path of the re-encoded logo, relative to the upload folder.
    logo_path: Mapped[str | None] = mapped_column(sa.String(200))
    display: Mapped[Display] = enum_column(Display, default=Display.FULL)
    has_consented: Mapped[bool] = mapped_column(default=False)
    language: Mapped[Language] = enum_column(Language, default=Language.EN)
    #: Set when personal data was erased; the row stays so that counts hold.
    anonymized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when the person asked for erasure: their confirm and withdraw links stop working too.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_demo: Mapped[bool] = mapped_column(default=False)
    #: Asked on the sign-on form to be emailed when the letter is delivered or answered.
    wants_updates: Mapped[bool] = mapped_column(default=False)
    #: When they asked (or last changed their mind: None once unsubscribed).
    updates_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    signatures: Mapped[list["Signature"]] = relationship(back_populates="signatory")

    def __repr__(self):
        return f"<Signatory {self.id} {self.kind} {self.name_en or self.name_ko!r}>"

    def name(self, lang):
        first, second = (self.name_ko, self.name_en) if lang == "ko" else (self.name_en, self.name_ko)
        return first or second

    def line(self, lang):
        first, second = (self.line_ko, self.line_en) if lang == "ko" else (self.line_en, self.line_ko)
        return first or second


class Signature(db.Model):
    """A signatory's sign-on to one version of a letter."""

    __tablename__ = "signatures"
    __table_args__ = (
        sa.Index("ix_signatures_letter_status", "letter_id", "status"),
        # Two sign-ons sent at the same moment both pass the duplicate check; this one cannot be
        # passed: the second insert fails, and the sign-on takes the duplicate path.
        sa.Index(
            "uq_signatures_letter_email_standing",
            "letter_id",
            "email_key",
            unique=True,
            postgresql_where=_ONE_STANDING_PER_EMAIL,
            sqlite_where=_ONE_STANDING_PER_EMAIL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signatory_id: Mapped[int] = mapped_column(sa.ForeignKey("signatories.id", ondelete="CASCADE"), index=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    #: The frozen text the signatory was given.
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letter_versions.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[SignatureStatus] = enum_column(SignatureStatus, default=SignatureStatus.PENDING)
    source: Mapped[SignatureSource] = enum_column(SignatureSource, default=SignatureSource.FORM)
    #: Order in the public list, set by staff; None sorts by confirmation time.
    position: Mapped[int | None]
    #: Keyed hash of the signer's IP address; the address itself is never stored.
    ip_hash: Mapped[str | None] = mapped_column(sa.String(64))
    rejection_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    #: Why a sign-on waits for a person: "rate_limit", "honeypot", "too_fast" or "same_name".
    hold_reason: Mapped[str] = mapped_column(sa.String(20), default="")
    #: The signatory's email key, copied here (see _copy_email_keys) for the unique index above.
    email_key: Mapped[str] = mapped_column(sa.String(254), default="")
    #: The organization signature whose name this public sign-on repeats: staff merge or approve.
    possible_duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("signatures.id", ondelete="SET NULL")
    )
    #: A duplicate merged by staff points at the signature it was merged into.
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("signatures.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    signatory: Mapped[Signatory] = relationship(back_populates="signatures")
    letter = relationship("Letter")
    version = relationship("LetterVersion")

    def __repr__(self):
        return f"<Signature {self.id} signatory={self.signatory_id} {self.status}>"


class UpdateNotice(db.Model):
    """News of a letter to email to the signers who asked: a delivery, or an event made public.

    The key is unique, so the same news is noted once however often it is announced.
    """

    __tablename__ = "update_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    #: "delivery:<id>" or "event:<id>".
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("status_events.id", ondelete="SET NULL"))
    delivery_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deliveries.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set once every email of the notice is in the outbox.
    prepared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    letter = relationship("Letter")
    event = relationship("StatusEvent")
    delivery = relationship("Delivery")


class UpdateMail(db.Model):
    """One signer emailed about one notice: the row that keeps it from being mailed twice."""

    __tablename__ = "update_mails"
    __table_args__ = (
        sa.UniqueConstraint("notice_id", "signatory_id", name="uq_update_mails_notice_signatory"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("update_notices.id", ondelete="CASCADE"))
    signatory_id: Mapped[int] = mapped_column(sa.ForeignKey("signatories.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@sa.event.listens_for(Session, "before_flush")
def _copy_email_keys(session, _flush_context, _instances):
    """Keep each signature's email key equal to its signatory's, as the ORM writes either.

    The key is copied so that PostgreSQL can enforce one standing signature per person and letter;
    erasing a signatory's email key (privacy requests, retention) thereby erases the copies too.
    A bulk UPDATE of signatories.email_key bypasses this and must update signatures.email_key.
    """
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Signature) and obj.signatory is not None:
            key = obj.signatory.email_key or ""
            if obj.email_key != key:
                obj.email_key = key
        elif isinstance(obj, Signatory) and sa.inspect(obj).attrs.email_key.history.has_changes():
            for signature in obj.signatures:
                signature.email_key = obj.email_key or ""
