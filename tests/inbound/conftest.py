"""Fixtures for the inbound tests: a sent email delivery, attachments stored in tmp, messages stored raw."""

import hashlib
import secrets

import pytest

from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.deliveries.reply_address import reply_address
from app.extensions import db
from app.inbound.models import InboundMessage
from app.letters.models import LetterStatus
from tests.factories import LetterFactory, RecipientFactory


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path, monkeypatch):
    """Each test stores attachments in a folder of its own."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def make_sent():
    def make(**values):
        letter = LetterFactory(status=LetterStatus.OPEN, title_en="Bring them home", title_ko="그들을 집으로")
        recipient = RecipientFactory(emails=["desk@mofa.go.kr"])
        token = secrets.token_hex(16)
        delivery = Delivery(
            letter=letter,
            recipient=recipient,
            channel=Channel.EMAIL,
            status=DeliveryStatus.SENT,
            reply_token=token,
            destination="desk@mofa.go.kr",
            message_id=f"<delivery.{token}@undersigned.local>",
            **values,
        )
        db.session.add(delivery)
        db.session.commit()
        return delivery

    return make


@pytest.fixture
def sent(make_sent):
    """An email delivery that went out."""
    return make_sent()


def reply_to(delivery):
    return reply_address(delivery.reply_token)


def store(raw, source="test"):
    """The message as the poller stores it: raw, received, committed."""
    inbound = InboundMessage(sha256=hashlib.sha256(raw).hexdigest(), raw=raw, size=len(raw), source=source)
    db.session.add(inbound)
    db.session.commit()
    return inbound
