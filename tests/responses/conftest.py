"""Fixtures for the response tests: a letter delivered to a recipient, uploads kept in tmp."""

import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.letters.models import LetterStatus
from app.responses.models import Response, ResponseAttachment
from tests.factories import LetterFactory, RecipientFactory
from tests.helpers import csrf_token


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path, monkeypatch):
    """Each test stores its files in a folder of its own."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def letter(db):
    return LetterFactory(status=LetterStatus.OPEN, title_en="Bring them home", title_ko="그들을 집으로")


@pytest.fixture
def ministry(db):
    return RecipientFactory(name_en="Ministry of Foreign Affairs", name_ko="외교부")


def deliver(letter, recipient, channel=Channel.EMAIL):
    delivery = Delivery(
        letter=letter,
        recipient=recipient,
        channel=channel,
        status=DeliveryStatus.DELIVERED,
        reply_token=secrets.token_hex(16),
    )
    from app.extensions import db

    db.session.add(delivery)
    db.session.commit()
    return delivery


@pytest.fixture
def delivery(letter, ministry):
    return deliver(letter, ministry)


@pytest.fixture
def post_form(client):
    """Post `data` (and files as (bytes, name)) to `url` with the CSRF token of the form on `page`."""
    import io

    def post(page, url, data, files=None):
        form = {**data, "csrf_token": csrf_token(client, page)}
        for key, (content, filename) in (files or {}).items():
            form[key] = (io.BytesIO(content), filename)
        return client.post(url, data=form, content_type="multipart/form-data")

    return post


def stored_files(folder):
    folder = Path(folder) / "responses"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def responses(db):
    db.session.expire_all()
    return db.session.scalars(sa.select(Response).order_by(Response.id)).all()


def attachments(db):
    return db.session.scalars(sa.select(ResponseAttachment).order_by(ResponseAttachment.id)).all()
