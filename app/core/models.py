"""Column types and mixins shared by the models of every feature."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from app.core.timeutil import as_utc, utcnow


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime on PostgreSQL and SQLite alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use app.core.timeutil.utcnow()")
        return value

    def process_result_value(self, value, dialect):
        return as_utc(value)


def enum_column(enum_cls, name=None, **kwargs):
    """A VARCHAR column holding an Enum's values, checked by a named constraint.

    `name` names the constraint where a table has two columns of the same Enum.
    """
    return mapped_column(
        sa.Enum(
            enum_cls,
            native_enum=False,
            create_constraint=True,
            length=32,
            name=name or enum_cls.__name__.lower(),
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        **kwargs,
    )


class TimestampMixin:
    #: When the row was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the row last changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Language(enum.StrEnum):
    EN = "en"
    KO = "ko"
