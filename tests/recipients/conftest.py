"""Fixtures for the recipient registry: a full record, and a way to post a staff form."""

import pytest

from app.recipients.services import create_recipient
from tests.helpers import csrf_token

#: A record with every field filled, as the staff form sends it.
FULL = {
    "kind": "embassy",
    "name_en": "Embassy of Ukraine in the Republic of Korea",
    "name_ko": "주한 우크라이나 대사관",
    "addressee_en": "Ambassador of Ukraine",
    "addressee_ko": "주한 우크라이나 대사",
    "address_en": "1 Example-ro, Yongsan-gu\nSeoul 04001\nRepublic of Korea",
    "address_ko": "04001\n서울특별시 용산구 예시로 1\n대한민국",
    "country": "KR",
    "emails": "consular@embassy.example\nemb_kr@embassy.example",
    "fax": "+82 2 555 0100",
    "portal_url": "https://embassy.example/contact",
    "preferred_language": "en",
    "contact_name": "Olena Example, second secretary",
    "contact_email": "olena@embassy.example",
    "contact_phone": "+82 10 5555 0101",
    "tags": "Ukraine, delivery in Seoul",
    "notes": "Hand delivery at the gate.\nAsk for a receipt.",
}


@pytest.fixture
def full_recipient(db):
    recipient = create_recipient(FULL, actor=None)
    db.session.commit()
    return recipient


@pytest.fixture
def post_form(client):
    """Post `data` to the form at `url` with the page's CSRF token, as a browser would."""

    def post(url, data, **kwargs):
        return client.post(url, data={**data, "csrf_token": csrf_token(client, url)}, **kwargs)

    return post
