"""The public campaign page and its Atom feed show public accepted events only, escaped, in both languages."""

import re
from datetime import date
from xml.etree import ElementTree as ET

from app.campaigns.public import forget_letter
from app.deliveries.models import DeliveryStatus
from app.extensions import db
from app.responses.models import Response, ResponseChannel, StatusEvent, StatusKind
from app.timeline.services import accept_event, propose_event
from tests.helpers import page_text
from tests.timeline.conftest import make_delivery

HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
ATOM = "{http://www.w3.org/2005/Atom}"


def _event(letter, kind, day, public=True, proposed=False, **values):
    event = StatusEvent(
        campaign_id=letter.campaign_id,
        letter_id=letter.id,
        kind=kind,
        occurred_on=day,
        is_public=public,
        is_proposed=proposed,
        **values,
    )
    db.session.add(event)
    db.session.commit()
    return event


def _timeline(letter):
    _event(
        letter,
        StatusKind.RESPONDED,
        date(2025, 11, 20),
        description_en="Considered South Korean citizens under the Constitution. " + HOSTILE,
        description_ko="헌법상 대한민국 국민으로 간주됩니다.",
    )
    _event(letter, StatusKind.REGISTERED, date(2025, 12, 1), public=False, description_en="Private note")
    propose_event(letter, "declined", date(2025, 12, 2), note_en="Proposed, not accepted")
    db.session.commit()


def test_the_page_shows_public_accepted_events_only_with_hostile_text_escaped(client, letter):
    _timeline(letter)
    response = client.get("/c/bring-them-home?lang=en")
    html = response.get_data(as_text=True)
    text = page_text(response)
    assert "November 20, 2025 Responded" in text
    assert "Considered South Korean citizens under the Constitution." in text
    assert "Private note" not in text and "Proposed, not accepted" not in text
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_the_page_shows_the_timeline_in_korean_with_korean_dates(client, letter):
    _timeline(letter)
    text = page_text(client.get("/c/bring-them-home?lang=ko"))
    assert "2025년 11월 20일" in text
    assert "헌법상 대한민국 국민으로 간주됩니다." in text


def test_the_page_names_the_recipient_delivered_to_and_what_is_still_awaited(client, letter, ministry):
    delivery = make_delivery(letter, ministry, date(2025, 3, 11), status=DeliveryStatus.DELIVERED)
    [proposal] = db.session.query(StatusEvent).filter_by(delivery_id=delivery.id).all()
    assert "Ministry of Foreign Affairs" not in page_text(client.get("/c/bring-them-home?lang=en"))
    accept_event(proposal)
    db.session.commit()
    forget_letter(letter)  # as the staff view does after its commit
    text = page_text(client.get("/c/bring-them-home?lang=en"))
    assert "March 11, 2025 Delivered · Ministry of Foreign Affairs" in text
    match = re.search(
        r"Ministry of Foreign Affairs: delivered March 11, 2025, waiting for (\d+) working days "
        r"\(answer due April 8, 2025\)",
        text,
    )
    assert match and int(match.group(1)) > 40
    korean = page_text(client.get("/c/bring-them-home?lang=ko"))
    assert "외교부" in korean and "2025년 3월 11일" in korean


def test_accepting_a_proposal_shows_it_on_the_cached_page_at_once(auth, client, letter):
    event = propose_event(letter, "registered", date(2025, 4, 2), reference="2025-1234")
    db.session.commit()
    assert "2025-1234" not in page_text(client.get("/c/bring-them-home?lang=en"))  # now cached
    auth.login("editor")
    page = client.get(f"/staff/letters/{letter.id}/timeline").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post(f"/staff/letters/{letter.id}/timeline/{event.id}/accept", data={"csrf_token": token})
    assert "Registered (reference 2025-1234)" in page_text(client.get("/c/bring-them-home?lang=en"))


def test_the_feed_has_one_entry_per_public_event_with_a_stable_id_and_escaped_text(client, letter):
    _timeline(letter)
    response = client.get("/c/bring-them-home/feed.atom?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    body = response.get_data(as_text=True)
    assert "<script>" not in body and "<b>bold</b>" not in body
    feed = _parse(response)
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Responded"
    assert entry.find(f"{ATOM}summary").text.endswith(HOSTILE)
    entry_id = entry.find(f"{ATOM}id").text
    assert entry_id.startswith("tag:localhost,") and entry_id.endswith(
        ":status-event/" + str(_first_public(letter))
    )
    assert "Private note" not in body and "Proposed, not accepted" not in body
    again = _parse(client.get("/c/bring-them-home/feed.atom?lang=en"))
    assert again.find(f"{ATOM}entry/{ATOM}id").text == entry_id


def test_the_korean_feed_speaks_korean(client, letter):
    _timeline(letter)
    feed = _parse(client.get("/c/bring-them-home/feed.atom?lang=ko"))
    assert feed.find(f"{ATOM}entry/{ATOM}summary").text == "헌법상 대한민국 국민으로 간주됩니다."


def test_no_feed_for_an_unknown_campaign(client):
    assert client.get("/c/no-such-campaign/feed.atom").status_code == 404


def _first_public(letter):
    return db.session.query(StatusEvent.id).filter_by(letter_id=letter.id, is_public=True).scalar()


def _parse(response):
    return ET.fromstring(response.get_data())  # noqa: S314 (our own feed, which the test reads)


def test_the_page_shows_what_the_body_answered_when_its_response_is_public(client, letter, ministry):
    answer = Response(
        letter_id=letter.id,
        recipient_id=ministry.id,
        channel=ResponseChannel.POST,
        received_on=date(2025, 11, 20),
        summary_en="They are South Korean citizens under the Constitution.",
        summary_ko="헌법상 대한민국 국민입니다.",
        is_public=False,
    )
    db.session.add(answer)
    db.session.flush()
    _event(letter, StatusKind.RESPONDED, date(2025, 11, 20), response_id=answer.id)
    text = page_text(client.get("/c/bring-them-home?lang=en"))
    assert "November 20, 2025 Responded" in text
    assert "South Korean citizens" not in text and "Ministry of Foreign Affairs" not in text
    answer.is_public = True
    db.session.commit()
    forget_letter(letter)
    text = page_text(client.get("/c/bring-them-home?lang=en"))
    assert (
        "Responded · Ministry of Foreign Affairs They are South Korean citizens under the Constitution."
        in text
    )
    assert "헌법상 대한민국 국민입니다." in page_text(client.get("/c/bring-them-home?lang=ko"))
