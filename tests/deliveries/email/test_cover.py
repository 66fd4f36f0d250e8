"""Staff write a letter's cover message per language; each email fills it in with plain, escaped data."""

import pytest

from app.deliveries.tasks import send_delivery
from app.extensions import db
from app.models import Recipient
from tests.deliveries.email.conftest import (
    Inbox,
    cover_text,
    delivery_row,
    make_delivery,
    open_letter,
    smtp_server,
)
from tests.helpers import csrf_token, page_text
from tests.mail.conftest import send_to

pytestmark = pytest.mark.committed

COVER = {
    "subject_en": "For {recipient}: {title}",
    "body_en": "To {addressee} at {recipient}.\nRead it at {link}\n-- {coalition}",
    "subject_ko": "",
    "body_ko": "",
}


def post_cover(client, letter, data, lang="en"):
    url = f"/staff/letters/{letter.id}/cover-message"
    headers = {"Accept-Language": lang}
    return client.post(url, data={**data, "csrf_token": csrf_token(client, url)}, headers=headers)


@pytest.fixture
def inbox(app, monkeypatch):
    handler = Inbox()
    with smtp_server(handler) as port:
        send_to(app, monkeypatch, port)
        yield handler


def test_the_page_shows_the_default_cover_in_both_languages(client, auth):
    letter = open_letter()
    auth.login("editor")
    text = page_text(client.get(f"/staff/letters/{letter.id}/cover-message"))
    assert "Please find attached our open letter" in text
    assert "첨부하여 드립니다" in text
    assert "{link}" in text


def test_an_edited_cover_is_what_the_recipient_reads_with_its_placeholders_filled(client, auth, inbox):
    letter = open_letter()
    auth.login("editor")
    assert post_cover(client, letter, COVER).status_code == 302
    delivery = make_delivery("en", letter=letter)
    recipient = db.session.get(Recipient, delivery.recipient_id)
    recipient.name_en = "<b>Embassy</b> {link}"
    db.session.commit()

    send_delivery(delivery.id)
    ((_rcpts, message),) = inbox.wait_for(1, timeout=10)
    row = db.session.get(type(delivery), delivery.id)
    token = row.document.token
    tag = f"[UNDERSIGNED-{row.reply_token[:10].upper()}]"
    # Long enough to be folded after "Subject:": the unfolded value starts with that space.
    assert message["Subject"].lstrip() == "For <b>Embassy</b> {link}: Do not send them back " + tag
    text = cover_text(message)
    assert text.startswith("To Ambassador of Ukraine at <b>Embassy</b> {link}.\n")
    assert f"Read it at http://localhost/documents/{token}.pdf" in text
    assert "-- Coalition for the Return" in text
    html = message.get_body(("html",)).get_content()
    assert "&lt;b&gt;Embassy&lt;/b&gt; {link}" in html and "<b>Embassy</b>" not in html
    assert delivery_row(delivery.id).status == "sent"


def test_an_unknown_placeholder_is_refused_in_the_staff_members_language(client, auth):
    letter = open_letter()
    auth.login("editor")
    response = post_cover(client, letter, {**COVER, "body_ko": "{이름} {signer_email}"}, lang="ko")
    assert response.status_code == 422
    assert "{signer_email}" in page_text(response)
    assert "알 수 없는 자리표시자" in page_text(response)


def test_viewers_cannot_edit_the_cover(client, auth):
    letter = open_letter()
    auth.login("viewer")
    assert client.get(f"/staff/letters/{letter.id}/cover-message").status_code == 403
