"""Time helpers: every stored datetime is timezone-aware UTC."""

from datetime import UTC, datetime


def utcnow():
    return datetime.now(UTC)


def as_utc(value):
    """SQLite hands datetimes back without a zone; they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
