"""Fixtures for the delivery tests: a deliverable letter, recipients to reach, PDFs stored in tmp."""

import pytest

from app.letters.models import LetterStatus
from app.letters.services import freeze_version
from app.models import SignatoryKind
from tests.documents.conftest import sign
from tests.factories import LetterFactory, RecipientFactory
from tests.helpers import csrf_token


@pytest.fixture(autouse=True)
def document_folder(app, tmp_path, monkeypatch):
    """Each test stores its PDFs in a folder of its own."""
    folder = tmp_path / "documents"
    monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(folder))
    return folder


@pytest.fixture
def letter(db):
    """An open letter with one frozen version in both languages, signed by an organization."""
    letter = LetterFactory(
        status=LetterStatus.OPEN,
        title_en="Bring them home",
        title_ko="그들을 집으로",
        body_en="We urge you to bring the prisoners home.",
        body_ko="포로들을 집으로 돌려보내 주십시오.",
    )
    freeze_version(letter)
    db.session.commit()
    sign(letter, kind=SignatoryKind.ORGANIZATION, name_en="Korean Families Association")
    return letter


@pytest.fixture
def embassy(db):
    """A recipient reachable by every channel."""
    return RecipientFactory(
        name_en="Embassy of Ukraine in Seoul",
        name_ko="주한 우크라이나 대사관",
        addressee_en="Ambassador of Ukraine",
        address_en="1 Example-ro, Yongsan-gu\nSeoul 04001\nRepublic of Korea",
        emails=["consular@embassy.example"],
        fax="+82 2 555 0100",
        portal_url="https://embassy.example/contact",
    )


@pytest.fixture
def office(db):
    """A recipient with a postal address only."""
    return RecipientFactory(
        name_en="Office of the President of Ukraine",
        name_ko="우크라이나 대통령실",
        address_en="11 Bankova Street\nKyiv 01220\nUkraine",
    )


@pytest.fixture
def post_form(client):
    """Post `data` to `url` with the CSRF token of the form on `page`, as a browser would."""

    def post(page, url, data, **kwargs):
        return client.post(url, data={**data, "csrf_token": csrf_token(client, page)}, **kwargs)

    return post


def plan_rows(*rows):
    """The plan form's fields for the given rows: (index, recipient, channel, language, when, resend)."""
    data = {}
    for index, recipient, channel, language, when, resend in rows:
        prefix = f"rows-{index}-"
        data[prefix + "recipient_id"] = str(recipient.id)
        data[prefix + "selected"] = "y"
        data[prefix + "channel"] = channel
        data[prefix + "language"] = language
        data[prefix + "send_at"] = when
        if resend:
            data[prefix + "resend"] = "y"
    return data
