"""Recipients: the bodies and people a letter is addressed and delivered to."""

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.i18n import localized
from app.core.models import Language, TimestampMixin, enum_column
from app.extensions import db


class RecipientKind(enum.StrEnum):
    HEAD_OF_STATE = "head_of_state"
    MINISTRY = "ministry"
    EMBASSY = "embassy"
    GOVERNMENT_BODY = "government_body"
    INTERNATIONAL_BODY = "international_body"
    NGO_PARTNER = "ngo_partner"
    ORGANIZATION = "organization"
    PERSON = "person"
    OTHER = "other"


class Recipient(TimestampMixin, db.Model):
    __tablename__ = "recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RecipientKind] = enum_column(RecipientKind, default=RecipientKind.OTHER)
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    name_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Both names in comparable form, '|'-delimited (app.signatures.normalize.stored_name_key):
    #: two recipients never share a name, so an imported row finds its recipient by name.
    name_key: Mapped[str] = mapped_column(sa.String(410), default="")
    #: The person addressed, e.g. "President Volodymyr Zelenskyy".
    addressee_en: Mapped[str] = mapped_column(sa.String(200), default="")
    addressee_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Postal address block, one line per line, as printed on the letter (country line included).
    address_en: Mapped[str] = mapped_column(sa.Text, default="")
    address_ko: Mapped[str] = mapped_column(sa.Text, default="")
    #: ISO 3166 two-letter code of the postal address's country; "" when unknown.
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    #: Working days this body has to answer (e.g. set by law); None: the letter's, else the default.
    response_due_working_days: Mapped[int | None] = mapped_column()
    #: Addresses for delivery by email, in order of preference. Contact data: editors only.
    emails: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Contact data: editors only.
    fax: Mapped[str] = mapped_column(sa.String(40), default="")
    portal_url: Mapped[str] = mapped_column(sa.String(300), default="")
    preferred_language: Mapped[Language] = enum_column(Language, default=Language.EN)
    #: The person to talk to there (name and role), and how to reach them. Contact data: editors only.
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    #: Seen by every staff member, viewers too.
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    tag_rows: Mapped[list["RecipientTag"]] = relationship(
        back_populates="recipient",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    def __repr__(self):
        return f"<Recipient {self.id} {self.name_en or self.name_ko!r}>"

    def name(self, lang):
        return localized(self, "name", lang)

    @property
    def tags(self):
        """The tag names in alphabetical order, case ignored."""
        return sorted((row.name for row in self.tag_rows), key=str.lower)


class RecipientTag(db.Model):
    """A word staff group recipients by, e.g. "Ukraine" or "UN"."""

    __tablename__ = "recipient_tags"

    recipient_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recipients.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)

    recipient: Mapped[Recipient] = relationship(back_populates="tag_rows")

    def __repr__(self):
        return f"<RecipientTag {self.recipient_id} {self.name!r}>"
