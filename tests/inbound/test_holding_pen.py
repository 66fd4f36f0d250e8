"""The holding pen: held messages with why, best guesses with reasons, one-click assign, discard."""

import sqlalchemy as sa

from app.extensions import db
from app.inbound.models import InboundMessage, InboundStatus
from app.responses.models import Response
from tests.helpers import csrf_token, page_text
from tests.inbound.conftest import reply_to
from tests.inbound.mime import encoded_word, message, text_part
from tests.inbound.test_filing import filed

PEN = "/staff/inbound"


def held_reply(sent, **headers):
    body = text_part("> Bring them home\r\n\r\n검토하겠습니다 <b>now</b>", "euc-kr")
    headers = {"From": "Desk <desk@mofa.go.kr>", "Subject": "Re: Bring them home", **headers}
    inbound = filed(message(body=body, **headers))
    assert inbound.status == InboundStatus.HELD
    return inbound


def test_held_message_is_shown_with_why_and_the_best_guess(client, auth, sent):
    held_reply(sent)
    auth.login("editor")
    text = page_text(client.get(PEN))
    assert "desk@mofa.go.kr" in text
    assert "no reply address, In-Reply-To, References or subject tag of ours" in text
    assert f"Delivery {sent.id}" in text
    assert "The sender's domain mofa.go.kr is the recipient's." in text
    assert "The subject names the letter “Bring them home”." in text
    assert "검토하겠습니다 <b>now</b>" in text
    assert f"Assign to delivery {sent.id}" in text


def test_html_of_a_held_message_is_shown_sanitized(client, auth, sent):
    html = "<p>답변</p><script>alert('x')</script><img src='https://tracker.example/t.png'>"
    filed(message(body=text_part(html, subtype="html"), Subject="Hello"))
    auth.login("editor")
    page = client.get(PEN).get_data(as_text=True)
    assert "<p>답변</p>" in page
    assert "alert('x')" not in page and "tracker.example" not in page


def test_one_click_assign_makes_a_response_on_the_delivery(client, auth, sent):
    inbound = held_reply(sent)
    auth.login("editor")
    token = csrf_token(client, PEN)
    response = client.post(f"{PEN}/{inbound.id}/assign", data={"delivery_id": sent.id, "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    inbound = db.session.get(InboundMessage, inbound.id)
    assert (inbound.status, inbound.delivery_id) == (InboundStatus.FILED, sent.id)
    assert "assigned by staff" in inbound.reason
    [answer] = db.session.scalars(sa.select(Response)).all()
    assert (answer.delivery_id, answer.recipient_id) == (sent.id, sent.recipient_id)
    assert "검토하겠습니다" in answer.text
    assert "No message is waiting." in page_text(client.get(PEN))


def test_assign_without_csrf_token_is_refused(client, auth, sent):
    inbound = held_reply(sent)
    auth.login("editor")
    response = client.post(f"{PEN}/{inbound.id}/assign", data={"delivery_id": sent.id})
    assert response.status_code == 400
    assert db.session.get(InboundMessage, inbound.id).status == InboundStatus.HELD


def test_viewer_cannot_assign(client, auth, sent):
    inbound = held_reply(sent)
    auth.login("viewer")
    token = csrf_token(client, PEN)
    response = client.post(f"{PEN}/{inbound.id}/assign", data={"delivery_id": sent.id, "csrf_token": token})
    assert response.status_code == 403


def test_discard_keeps_the_raw_source(client, auth, sent):
    inbound = held_reply(sent)
    auth.login("editor")
    token = csrf_token(client, PEN)
    assert client.post(f"{PEN}/{inbound.id}/discard", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    inbound = db.session.get(InboundMessage, inbound.id)
    assert inbound.status == InboundStatus.DISCARDED
    assert inbound.raw.startswith(b"From: Desk")


def test_forged_reply_address_is_held_and_shown_why(client, auth, sent):
    forged = reply_to(sent)[:-25] + "ffffffffffffffff@undersigned.local"
    filed(message(body="hello", To=forged, Subject=encoded_word("회신", "euc-kr")))
    auth.login("editor")
    assert "code is wrong" in page_text(client.get(PEN))


def test_pen_needs_a_login(client):
    assert client.get(PEN).status_code in (302, 401)


def test_viewers_do_not_read_the_pen_where_senders_addresses_are(client, auth, sent):
    held_reply(sent)
    auth.login("viewer")
    assert client.get(PEN).status_code == 403
    assert f'href="{PEN}"' not in client.get("/staff/recipients/").get_data(as_text=True)


def test_quoted_cover_message_is_a_guess(client, auth, sent):
    quote = (
        "> The signed PDF can also be read and checked at its permanent address:\r\n> https://x\r\n\r\nNoted."
    )
    filed(message(body=quote, From="clerk@elsewhere.example", Subject="Your mail"))
    auth.login("editor")
    text = page_text(client.get(PEN))
    assert f"Delivery {sent.id}" in text
    assert "The message quotes the cover message we sent." in text
    assert "The sender's domain" not in text


def test_pen_speaks_korean(client, auth, sent):
    held_reply(sent)
    auth.login("editor")
    text = page_text(client.get(PEN, headers={"Accept-Language": "ko"}))
    assert "보류함" in text and "보류된 이유" in text
    assert "보낸 사람의 도메인 mofa.go.kr이(가) 수신처의 도메인과 같습니다." in text


def test_pen_shows_the_receipt_number_of_an_acknowledgement(client, auth, sent):
    filed(
        message(
            body=text_part("민원이 접수되었습니다. 접수번호: 2AA-2611-0012345", "euc-kr"),
            Subject=encoded_word("접수 안내", "euc-kr"),
        )
    )
    auth.login("editor")
    assert "Reference numbers 접수번호 2AA-2611-0012345" in page_text(client.get(PEN))


def test_sender_domain_learned_from_earlier_replies_is_a_guess(client, auth, sent):
    filed(message(body="first answer", From="officer@korea.kr", To=reply_to(sent)))
    filed(message(body="second, without our address", From="chief@korea.kr", Subject="Follow-up"))
    auth.login("editor")
    text = page_text(client.get(PEN))
    assert "Earlier replies of this recipient came from korea.kr." in text
    assert f"Delivery {sent.id}" in text


def test_filed_reply_shows_why_and_moves_to_another_delivery(client, auth, sent, make_sent):
    other = make_sent()
    inbound = filed(message(body="answer", In_Reply_To=sent.message_id, Subject="Re: letter"))
    auth.login("editor")
    assert f"In-Reply-To {sent.message_id}: the Message-ID of delivery {sent.id}" in page_text(
        client.get(PEN)
    )
    token = csrf_token(client, PEN)
    response = client.post(f"{PEN}/{inbound.id}/move", data={"delivery_id": other.id, "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    inbound = db.session.get(InboundMessage, inbound.id)
    assert inbound.delivery_id == other.id
    assert (inbound.response.delivery_id, inbound.response.recipient_id) == (other.id, other.recipient_id)
    assert f"moved by staff ({auth.user.email}) from delivery {sent.id}" in inbound.reason


def test_staff_find_the_pen_from_every_page(client, auth):
    auth.login("editor")
    assert f'href="{PEN}"' in client.get("/staff/recipients/").get_data(as_text=True)
