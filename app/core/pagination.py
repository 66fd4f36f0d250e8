"""Paging a select() for pages and the API."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.core.converters import MAX_ID
from app.extensions import db

#: The last page anyone may ask for: its offset still fits the database's integers.
MAX_PAGE = MAX_ID


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self):
        return self.number < self.pages

    @property
    def has_prev(self):
        return self.number > 1


def page_number(value):
    """The page asked for, 1 when unreadable, never past MAX_PAGE (a larger one is an empty page)."""
    try:
        return min(MAX_PAGE, max(1, int(value or 1)))
    except (TypeError, ValueError):
        return 1


def paginate(query, number=1, per_page=50):
    number = page_number(number)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(items=list(items), number=number, per_page=per_page, total=total)
