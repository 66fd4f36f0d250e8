"""Recipients: the bodies and people a letter is addressed and delivered to."""

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Language, TimestampMixin, enum_column
from app.extensions import db


class RecipientKind(enum.StrEnum):
    HEAD_OF_STATE = "head_of_state"
    MINISTRY = "ministry"
    EMBASSY = "embassy"
    GOVERNMENT_BODY = "government_body"
    INTERNATIONAL_BODY = "international_body"
    ORGANIZATION = "organization"
    PERSON = "person"


class Recipient(TimestampMixin, db.Model):
    __tablename__ = "recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RecipientKind] = enum_column(RecipientKind, default=RecipientKind.ORGANIZATION)
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    name_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The person addressed, e.g. "President Volodymyr Zelenskyy".
    addressee_en: Mapped[str] = mapped_column(sa.String(200), default="")
    addressee_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Postal address block, one line per line, as printed on the letter.
    address_en: Mapped[str] = mapped_column(sa.Text, default="")
    address_ko: Mapped[str] = mapped_column(sa.Text, default="")
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    #: Addresses for delivery by email, in order of preference.
    emails: Mapped[list] = mapped_column(sa.JSON, default=list)
    fax: Mapped[str] = mapped_column(sa.String(40), default="")
    portal_url: Mapped[str] = mapped_column(sa.String(300), default="")
    preferred_language: Mapped[Language] = enum_column(Language, default=Language.EN)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    def __repr__(self):
        return f"<Recipient {self.id} {self.name_en or self.name_ko!r}>"

    def name(self, lang):
        first, second = (self.name_ko, self.name_en) if lang == "ko" else (self.name_en, self.name_ko)
        return first or second
