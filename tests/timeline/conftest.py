"""Fixtures for the timeline tests: an open letter, recipients in Korea and Ukraine, sent deliveries."""

import secrets
from datetime import UTC, datetime, time

import pytest

from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.extensions import db as _db
from app.letters.models import LetterStatus
from tests.factories import LetterFactory, RecipientFactory
from tests.mail.conftest import inbox  # noqa: F401


@pytest.fixture
def letter(db):
    letter = LetterFactory(status=LetterStatus.OPEN, campaign__slug="bring-them-home")
    db.session.commit()
    return letter


@pytest.fixture
def ministry(db):
    return RecipientFactory(
        name_en="Ministry of Foreign Affairs", name_ko="외교부", country="KR", emails=["mofa@example.kr"]
    )


@pytest.fixture
def headquarters(db):
    return RecipientFactory(
        name_en="Coordination Headquarters", name_ko="조정본부", country="UA", emails=["hq@example.ua"]
    )


def make_delivery(letter, recipient, sent_on, status=DeliveryStatus.SENT):
    """A delivery of `letter` to `recipient` sent on `sent_on` (a date), committed."""
    sent_at = datetime.combine(sent_on, time(9, 0), tzinfo=UTC)
    delivery = Delivery(
        letter=letter,
        recipient=recipient,
        channel=Channel.EMAIL,
        status=status,
        sent_at=sent_at,
        delivered_at=sent_at if status == DeliveryStatus.DELIVERED else None,
        reply_token=secrets.token_hex(16),
    )
    _db.session.add(delivery)
    _db.session.commit()
    return delivery


@pytest.fixture(autouse=True)
def fresh_public_cache(app):
    """Each test's campaign page and feed start uncached (the cache outlives a rolled-back test)."""
    from app.core.cache import get_cache

    with app.app_context():
        get_cache().delete(
            *(
                f"public:{kind}:bring-them-home:{lang}"
                for kind in ("campaign", "feed")
                for lang in ("en", "ko")
            )
        )
