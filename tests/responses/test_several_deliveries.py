"""One reply answering several deliveries: staff attach it to a further delivery and detach it again."""

import secrets
from datetime import UTC, date, datetime

import sqlalchemy as sa

from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.extensions import db as _db
from app.inbound.models import InboundMessage
from app.letters.models import LetterStatus
from app.responses.models import ResponseDelivery, StatusEvent
from app.timeline.deadlines import response_clock
from app.timeline.overview import awaiting_answers
from tests.factories import LetterFactory
from tests.helpers import csrf_token, page_text
from tests.inbound.mime import message
from tests.inbound.test_filing import filed
from tests.responses.conftest import responses

PEN = "/staff/inbound"


def _sent(letter, recipient):
    token = secrets.token_hex(16)
    delivery = Delivery(
        letter=letter,
        recipient=recipient,
        channel=Channel.EMAIL,
        status=DeliveryStatus.SENT,
        sent_at=datetime(2025, 3, 3, 9, tzinfo=UTC),
        reply_token=token,
        destination="desk@mofa.go.kr",
        message_id=f"<delivery.{token}@undersigned.local>",
    )
    _db.session.add(delivery)
    _db.session.commit()
    return delivery


def _two_letters(letter, ministry):
    other_letter = LetterFactory(status=LetterStatus.OPEN, title_en="Tell the families", title_ko="가족에게")
    return _sent(letter, ministry), _sent(other_letter, ministry)


def _reply_to(delivery):
    return filed(message(body="We answer both letters here.", In_Reply_To=delivery.message_id, Subject="Re"))


def _attach(client, response, delivery, back=None):
    page = f"/staff/responses/{response.id}"
    data = {"delivery_id": str(delivery.id), "csrf_token": csrf_token(client, page)}
    if back:
        data["back"] = back
    return client.post(f"/staff/responses/{response.id}/deliveries", data=data)


def _accept_all():
    for event in _db.session.scalars(sa.select(StatusEvent)).all():
        event.accept()
    _db.session.commit()


def test_a_reply_attached_to_a_second_delivery_answers_both(client, auth, db, letter, ministry):
    first, second = _two_letters(letter, ministry)
    inbound = _reply_to(first)
    [response] = responses(db)
    assert response.delivery_id == first.id
    today = date(2025, 6, 2)
    assert {r["delivery"].id for r in awaiting_answers(today)} == {second.id}
    auth.login("editor")
    shown = page_text(client.get(f"/staff/responses/{response.id}"))
    assert "It answers another delivery too" in shown and "Tell the families" in shown

    answer = _attach(client, response, second)
    assert answer.status_code == 302
    assert "The response answers delivery" in page_text(client.get(answer.headers["Location"]))
    db.session.expire_all()
    [response] = responses(db)
    assert response.delivery_ids == [first.id, second.id]
    assert awaiting_answers(today) == []
    assert "We answer both letters here." not in page_text(client.get(f"/staff/deliveries/{first.id}"))
    for delivery in (first, second):
        assert "Substantive answer" in page_text(client.get(f"/staff/deliveries/{delivery.id}"))
    events = _db.session.scalars(sa.select(StatusEvent).order_by(StatusEvent.id)).all()
    assert [(e.delivery_id, e.letter_id, str(e.kind)) for e in events] == [
        (first.id, first.letter_id, "responded"),
        (second.id, second.letter_id, "responded"),
    ]
    assert response_clock(second, today)["state"] == "long_overdue"  # a proposal does not stop it
    _accept_all()
    assert [response_clock(d, today)["state"] for d in (first, second)] == ["stopped", "stopped"]
    assert db.session.get(InboundMessage, inbound.id).response_id == response.id


def test_detaching_makes_the_delivery_awaited_again(client, auth, db, letter, ministry):
    first, second = _two_letters(letter, ministry)
    _reply_to(first)
    [response] = responses(db)
    auth.login("editor")
    _attach(client, response, second)
    _accept_all()
    today = date(2025, 6, 2)
    assert response_clock(second, today)["state"] == "stopped"
    page = f"/staff/responses/{response.id}"
    detach = client.post(
        f"/staff/responses/{response.id}/deliveries/{second.id}/detach",
        data={"csrf_token": csrf_token(client, page)},
    )
    assert detach.status_code == 302
    assert "The response no longer answers delivery" in page_text(client.get(detach.headers["Location"]))
    db.session.expire_all()
    assert _db.session.scalars(sa.select(ResponseDelivery)).all() == []
    assert response_clock(second, today)["state"] == "long_overdue"
    assert response_clock(first, today)["state"] == "stopped"
    assert {r["delivery"].id for r in awaiting_answers(today)} == {second.id}
    assert "No response is logged yet." in page_text(client.get(f"/staff/deliveries/{second.id}"))


def test_the_holding_pen_attaches_a_filed_reply_and_moving_it_still_works(client, auth, db, letter, ministry):
    first, second = _two_letters(letter, ministry)
    third = _sent(letter, ministry)
    inbound = _reply_to(first)
    [response] = responses(db)
    auth.login("editor")
    answer = _attach(client, response, second, back="inbound")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(PEN)
    listed = client.get(PEN).get_data(as_text=True)
    row = listed[listed.index(f'id="filed-{inbound.id}"') :]
    assert f'href="/staff/deliveries/{first.id}"' in row and f'href="/staff/deliveries/{second.id}"' in row
    token = csrf_token(client, PEN)
    moved = client.post(f"{PEN}/{inbound.id}/move", data={"delivery_id": second.id, "csrf_token": token})
    assert moved.status_code == 302
    db.session.expire_all()
    [response] = responses(db)
    assert response.delivery_ids == [second.id] and response.letter_id == second.letter_id
    token = csrf_token(client, PEN)
    client.post(f"{PEN}/{inbound.id}/move", data={"delivery_id": third.id, "csrf_token": token})
    db.session.expire_all()
    [response] = responses(db)
    assert response.delivery_ids == [third.id]


def test_refused_links_change_nothing(client, auth, db, letter, ministry, make_user):
    from tests.factories import RecipientFactory

    first, second = _two_letters(letter, ministry)
    elsewhere = _sent(letter, RecipientFactory(name_en="Ministry of Unification"))
    _reply_to(first)
    [response] = responses(db)
    auth.login("editor")
    for delivery, said in (
        (first, "This response answers that delivery already."),
        (elsewhere, "This delivery went to another recipient."),
    ):
        answer = _attach(client, response, delivery)
        assert said in page_text(client.get(answer.headers["Location"]))
    page = f"/staff/responses/{response.id}"
    missing = client.post(
        f"/staff/responses/{response.id}/deliveries",
        data={"delivery_id": "999999", "csrf_token": csrf_token(client, page)},
    )
    assert "There is no delivery with that number." in page_text(client.get(missing.headers["Location"]))
    assert (
        client.post(f"/staff/responses/{response.id}/deliveries", data={"delivery_id": second.id}).status_code
        == 400
    )
    assert (
        client.post(
            f"/staff/responses/{response.id}/deliveries/{second.id}/detach",
            data={"csrf_token": csrf_token(client, page)},
        ).status_code
        == 404
    )
    db.session.expire_all()
    assert _db.session.scalars(sa.select(ResponseDelivery)).all() == []


def test_viewers_cannot_attach_and_korean_is_spoken(app, client, auth, db, letter, ministry, make_user):
    from tests.factories import PASSWORD
    from tests.helpers import log_in

    first, second = _two_letters(letter, ministry)
    _reply_to(first)
    [response] = responses(db)
    auth.login("viewer")
    page = f"/staff/responses/{response.id}"
    assert "It answers another delivery too" not in page_text(client.get(page))
    answer = client.post(
        f"/staff/responses/{response.id}/deliveries",
        data={"delivery_id": second.id, "csrf_token": csrf_token(client, page)},
    )
    assert answer.status_code == 403
    editor = app.test_client()
    log_in(editor, make_user(role="editor").email, PASSWORD)
    _attach(editor, response, second)
    korean = page_text(editor.get(page, headers={"Accept-Language": "ko"}))
    assert "다른 발송에 대한 회신이기도 합니다" in korean and "연결 해제" in korean


def test_the_api_lists_every_delivery_a_response_answers(api, client, auth, db, letter, ministry):
    first, second = _two_letters(letter, ministry)
    _reply_to(first)
    [response] = responses(db)
    auth.login("editor")
    _attach(client, response, second)
    body = api.get(f"/responses/{response.id}").get_json()
    assert body["delivery_id"] == first.id and body["delivery_ids"] == [first.id, second.id]
