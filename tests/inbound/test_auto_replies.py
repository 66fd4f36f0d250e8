"""Automatic replies, told by their headers, their timing or the template learned from earlier ones:
filed with the reason, collapsed on the delivery's page, acknowledging the delivery once, never an answer."""

import re
from datetime import timedelta
from email.utils import format_datetime

import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.deliveries.models import Delivery
from app.extensions import db
from app.responses.models import ResponseClassification, StatusEvent, StatusKind
from app.timeline.deadlines import response_clock
from app.timeline.overview import awaiting_answers
from app.timeline.services import accept_event
from tests.helpers import page_text
from tests.inbound.conftest import reply_to
from tests.inbound.mime import file_part, message, text_part
from tests.inbound.test_filing import PDF, filed

SENT_AT = utcnow().replace(microsecond=0) - timedelta(days=3)
AWAY = (
    "I am out of the office until 2026-12-10 with no access to email. For urgent matters please call "
    "the desk on 02-2100-7114."
)


def at(minutes):
    """The Date header of a message written `minutes` after the send."""
    return format_datetime(SENT_AT + timedelta(minutes=minutes))


def events(delivery, kind):
    query = sa.select(StatusEvent).where(StatusEvent.delivery_id == delivery.id, StatusEvent.kind == kind)
    return db.session.scalars(query).all()


def fresh(delivery):
    db.session.expire_all()
    return db.session.get(Delivery, delivery.id)


def test_a_header_marked_reply_is_automatic_with_its_reason(sent):
    inbound = filed(message(body="I am away", To=reply_to(sent), Auto_Submitted="auto-replied"))
    assert inbound.kind == "auto_reply"
    assert "automatic reply (Auto-Submitted: auto-replied)" in inbound.reason
    assert inbound.response.classification == ResponseClassification.AUTOMATIC_REPLY


def test_a_short_reply_minutes_after_the_send_is_automatic(make_sent):
    delivery = make_sent(sent_at=SENT_AT)
    inbound = filed(message(body="Thank you. Noted.", To=reply_to(delivery), Date=at(3)))
    assert inbound.kind == "auto_reply"
    assert "arrived 3 min after the delivery was sent, with a short body (17 characters)" in inbound.reason
    assert inbound.response.classification == ResponseClassification.AUTOMATIC_REPLY


def test_a_long_reply_in_typical_words_minutes_after_the_send_is_automatic(make_sent):
    delivery = make_sent(sent_at=SENT_AT)
    body = "본 메일은 자동 발송되었습니다. " + "귀하의 서한은 담당 부서로 전달되어 검토될 예정입니다. " * 12
    inbound = filed(message(body=text_part(body), To=reply_to(delivery), Date=at(1)))
    assert len(body) > 300
    assert inbound.kind == "auto_reply"
    assert "arrived 1 min after the delivery was sent, with typical words ('자동 발송')" in inbound.reason


def test_the_same_short_reply_a_day_later_is_an_answer(make_sent):
    delivery = make_sent(sent_at=SENT_AT)
    inbound = filed(message(body="Thank you. Noted.", To=reply_to(delivery), Date=at(24 * 60)))
    assert inbound.kind == "reply"
    assert "automatic" not in inbound.reason
    assert inbound.response.classification == ResponseClassification.SUBSTANTIVE
    assert [e.kind for e in events(delivery, StatusKind.RESPONDED)] == [StatusKind.RESPONDED]
    assert fresh(delivery).acknowledged_at is None


def test_a_quick_reply_with_a_document_is_an_answer(make_sent):
    delivery = make_sent(sent_at=SENT_AT)
    raw = message([text_part("Please find our answer attached."), file_part(PDF, "answer.pdf")])
    raw = raw.replace(b"To: replies@undersigned.local", f"To: {reply_to(delivery)}\r\nDate: {at(5)}".encode())
    inbound = filed(raw)
    assert inbound.kind == "reply"
    assert inbound.response.classification == ResponseClassification.SUBSTANTIVE


def test_the_automatic_reply_learned_before_is_recognized_without_headers(make_sent):
    first = make_sent(sent_at=SENT_AT)
    learned = filed(message(body=AWAY, To=reply_to(first), Auto_Submitted="auto-replied", Date=at(30)))
    second = make_sent(sent_at=SENT_AT, recipient=first.recipient)
    later = AWAY.replace("2026-12-10", "2027-01-04")  # the same template, other dates
    inbound = filed(message(body=later, To=reply_to(second), Date=at(3 * 24 * 60)))
    assert inbound.kind == "auto_reply"
    received = learned.response.received_on.isoformat()
    assert f"automatic reply (matches the automatic reply learned from {received})" in inbound.reason
    other = filed(message(body="We will answer your letter by the end of the month.", To=reply_to(second)))
    assert other.kind == "reply"


def test_the_delivery_is_acknowledged_once_and_its_page_collapses_the_automatic_replies(
    client, auth, make_sent
):
    delivery = make_sent(sent_at=SENT_AT)
    first = filed(message(body="Out of office", To=reply_to(delivery), X_Autoreply="yes", Date=at(2)))
    filed(message(body=AWAY, To=reply_to(delivery), Auto_Submitted="auto-replied", Date=at(60)))
    filed(message(body="Received, thank you.", To=reply_to(delivery), Date=at(4)))
    delivery = fresh(delivery)
    assert delivery.acknowledged_at == SENT_AT + timedelta(minutes=2)
    [event] = events(delivery, StatusKind.ACKNOWLEDGED)
    assert (event.response_id, event.is_proposed, event.is_public) == (first.response.id, True, False)
    assert events(delivery, StatusKind.RESPONDED) == []

    auth.login("viewer")
    html = client.get(f"/staff/deliveries/{delivery.id}?lang=en").get_data(as_text=True)
    text = page_text(client.get(f"/staff/deliveries/{delivery.id}?lang=en"))
    stamp = (SENT_AT + timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M")
    assert f"Acknowledged {stamp} UTC · by an automatic reply; the answer is still awaited" in text
    collapsed = re.search(
        r'<details class="automatic-replies">\s*<summary>([^<]*)</summary>(.*?)</details>', html, re.S
    )
    assert collapsed and collapsed.group(1) == "3 automatic replies"
    assert "X-Autoreply: yes" in collapsed.group(2) and "with a short body" in collapsed.group(2)
    assert "Responses No response is logged yet." in text


def test_an_automatic_reply_never_stops_the_clock_nor_leaves_the_awaited_list(client, auth, make_sent):
    delivery = make_sent(sent_at=SENT_AT)
    filed(message(body="Out of office", To=reply_to(delivery), Auto_Submitted="auto-replied", Date=at(1)))
    [event] = events(delivery, StatusKind.ACKNOWLEDGED)
    accept_event(event)  # staff accept "acknowledged": still no answer
    db.session.commit()
    delivery = fresh(delivery)
    assert response_clock(delivery)["state"] == "awaiting"
    assert [row["delivery"].id for row in awaiting_answers()] == [delivery.id]
    auth.login("viewer")
    assert delivery.recipient.name_en in page_text(client.get("/staff/awaiting?lang=en"))
