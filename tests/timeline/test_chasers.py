"""Chasers: the daily digest prepares follow-ups of overdue deliveries; staff approve or discard them."""

import secrets
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from app.core.cache import get_cache
from app.core.timeutil import utcnow
from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.letters.models import LetterStatus
from app.responses.models import Response, ResponseChannel, ResponseClassification, StatusEvent, StatusKind
from app.timeline.chasers import prepare_chasers
from app.timeline.tasks import overdue_digest
from tests.factories import LetterFactory, RecipientFactory
from tests.helpers import csrf_token, page_text
from tests.timeline.conftest import make_delivery

TODAY = utcnow().date()
SIX_WEEKS_AGO = TODAY - timedelta(weeks=6)  # 30 working days: overdue


def _chasers(db, original):
    db.session.expire_all()
    return db.session.scalars(sa.select(Delivery).where(Delivery.chaser_of_id == original.id)).all()


def _office(**fields):
    return RecipientFactory(name_en="Western Office", name_ko="서부 사무소", country="", **fields)


def _earlier_chaser(db, original, sent_on):
    chaser = Delivery(
        letter=original.letter,
        recipient=original.recipient,
        channel=Channel.EMAIL,
        status=DeliveryStatus.SENT,
        sent_at=datetime.combine(sent_on, time(9, 0), tzinfo=UTC),
        reply_token=secrets.token_hex(16),
        chaser_of_id=original.id,
    )
    db.session.add(chaser)
    db.session.commit()
    return chaser


def test_the_digest_prepares_a_chaser_in_the_recipients_language_citing_the_original(
    app, db, inbox, letter, make_user
):
    get_cache().delete(f"timeline:digest:{TODAY.isoformat()}")
    original = make_delivery(letter, _office(), SIX_WEEKS_AGO)
    original.language = "ko"
    original.message_id = "<delivery.abc@coalition.example>"
    original.destination = "office@example.org"
    make_user(role="editor")
    db.session.commit()

    overdue_digest()

    ((_rcpt, digest),) = inbox.wait_for(1)
    assert "Chasers prepared for your approval: 1" in digest.get_content()
    (chaser,) = _chasers(db, original)
    assert chaser.status == DeliveryStatus.PLANNED
    assert (chaser.letter_id, chaser.recipient_id) == (original.letter_id, original.recipient_id)
    assert (chaser.channel, chaser.language) == (Channel.EMAIL, "ko")
    assert chaser.destination == "office@example.org"
    assert chaser.reply_token != original.reply_token
    assert "서부 사무소 귀하" in chaser.chaser_text
    assert f"저희는 {SIX_WEEKS_AGO.isoformat()}에 공개 서한" in chaser.chaser_text
    assert "<delivery.abc@coalition.example>" in chaser.chaser_text
    assert "30 근무일이 지났습니다" in chaser.chaser_text


def test_a_recent_delivery_gets_no_chaser(app, db, letter):
    recent = make_delivery(letter, _office(), TODAY - timedelta(days=3))
    assert prepare_chasers(TODAY) == []
    assert _chasers(db, recent) == []


def test_no_chaser_once_a_response_arrived(app, db, letter):
    original = make_delivery(letter, _office(), SIX_WEEKS_AGO)
    db.session.add(
        Response(
            letter_id=letter.id,
            recipient_id=original.recipient_id,
            delivery_id=original.id,
            channel=ResponseChannel.EMAIL,
            received_on=TODAY,
        )
    )
    db.session.commit()
    assert prepare_chasers(TODAY) == []


def test_an_automatic_reply_does_not_spare_the_chaser(app, db, letter):
    original = make_delivery(letter, _office(), SIX_WEEKS_AGO)
    db.session.add(
        Response(
            letter_id=letter.id,
            recipient_id=original.recipient_id,
            delivery_id=original.id,
            channel=ResponseChannel.EMAIL,
            classification=ResponseClassification.AUTOMATIC_REPLY,
            received_on=SIX_WEEKS_AGO,
        )
    )
    db.session.commit()
    prepare_chasers(TODAY)
    assert len(_chasers(db, original)) == 1


def test_no_chaser_within_the_minimum_gap_after_an_earlier_chaser(app, db, letter):
    original = make_delivery(letter, _office(), SIX_WEEKS_AGO)
    _earlier_chaser(db, original, TODAY - timedelta(weeks=1))  # 5 working days ago
    assert prepare_chasers(TODAY) == []
    assert len(_chasers(db, original)) == 1


def test_a_new_chaser_once_the_minimum_gap_has_passed(app, db, letter):
    original = make_delivery(letter, _office(), SIX_WEEKS_AGO)
    _earlier_chaser(db, original, TODAY - timedelta(weeks=3))  # 15 working days ago
    (chaser,) = prepare_chasers(TODAY)
    assert chaser.chaser_of_id == original.id


def test_the_minimum_gap_is_a_setting(app, db, letter, monkeypatch):
    monkeypatch.setitem(app.config, "CHASER_MIN_GAP_WORKING_DAYS", 20)
    original = make_delivery(letter, _office(), SIX_WEEKS_AGO)
    _earlier_chaser(db, original, TODAY - timedelta(weeks=3))
    assert prepare_chasers(TODAY) == []


def test_no_chaser_for_a_closed_letter(app, db, letter):
    make_delivery(letter, _office(), SIX_WEEKS_AGO)
    db.session.add(
        StatusEvent(
            campaign_id=letter.campaign_id, letter_id=letter.id, kind=StatusKind.CLOSED, occurred_on=TODAY
        )
    )
    db.session.commit()
    assert prepare_chasers(TODAY) == []


def test_no_chaser_for_an_archived_letter(app, db):
    archived = LetterFactory(status=LetterStatus.ARCHIVED)
    make_delivery(archived, _office(), SIX_WEEKS_AGO)
    assert prepare_chasers(TODAY) == []


def test_no_chaser_for_a_bounced_or_cancelled_delivery(app, db, letter):
    make_delivery(letter, _office(), SIX_WEEKS_AGO, status=DeliveryStatus.BOUNCED)
    make_delivery(letter, _office(), SIX_WEEKS_AGO, status=DeliveryStatus.CANCELLED)
    assert prepare_chasers(TODAY) == []


def test_one_chaser_per_recipient_per_run_and_none_on_a_second_run(app, db, letter):
    office = _office()
    first = make_delivery(letter, office, SIX_WEEKS_AGO)
    other_letter = LetterFactory(status=LetterStatus.OPEN, campaign=letter.campaign)
    second = make_delivery(other_letter, office, SIX_WEEKS_AGO)
    elsewhere = make_delivery(letter, RecipientFactory(country=""), SIX_WEEKS_AGO)

    prepared = prepare_chasers(TODAY)
    db.session.commit()
    assert len(prepared) == 2
    assert {c.recipient_id for c in prepared} == {office.id, elsewhere.recipient_id}
    assert len(_chasers(db, first)) + len(_chasers(db, second)) == 1

    assert prepare_chasers(TODAY) == []
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).where(Delivery.chaser_of_id.is_not(None))) == 2


def test_a_chaser_is_not_itself_awaited(app, auth, client, db, letter):
    original = make_delivery(letter, _office(), SIX_WEEKS_AGO)
    _earlier_chaser(db, original, TODAY - timedelta(weeks=1))
    auth.login("viewer")
    text = page_text(client.get("/staff/awaiting"))
    assert text.count("Western Office") == 1


def test_staff_see_prepared_chasers_and_discard_one(app, auth, client, db, letter):
    original = make_delivery(letter, _office(), SIX_WEEKS_AGO)
    (chaser,) = prepare_chasers(TODAY)
    db.session.commit()
    auth.login("editor")

    awaiting = page_text(client.get("/staff/awaiting"))
    assert "Chasers awaiting approval" in awaiting and "Approve and send" in awaiting
    assert f"follow-up of delivery {original.id}" in awaiting
    assert "Dear Western Office," in awaiting
    page = page_text(client.get(f"/staff/deliveries/{original.id}"))
    assert "Chasers awaiting approval" in page and "Discard" in page

    assert client.post(f"/staff/chasers/{chaser.id}/discard").status_code == 400  # no CSRF token
    token = csrf_token(client, "/staff/awaiting")
    response = client.post(f"/staff/chasers/{chaser.id}/discard", data={"csrf_token": token})
    assert response.status_code == 302
    (row,) = _chasers(db, original)
    assert row.status == DeliveryStatus.CANCELLED
    assert "Chasers awaiting approval" not in page_text(client.get("/staff/awaiting"))
    again = client.post(f"/staff/chasers/{chaser.id}/discard", data={"csrf_token": token})
    assert again.status_code == 404


def test_a_discarded_chaser_still_keeps_the_gap(app, db, letter):
    original = make_delivery(letter, _office(), SIX_WEEKS_AGO)
    (chaser,) = prepare_chasers(TODAY)
    chaser.move_to(DeliveryStatus.CANCELLED)
    db.session.commit()
    assert prepare_chasers(TODAY) == []
    assert len(_chasers(db, original)) == 1


def test_viewers_see_chasers_but_cannot_approve_or_discard(app, auth, client, db, letter):
    make_delivery(letter, _office(), SIX_WEEKS_AGO)
    (chaser,) = prepare_chasers(TODAY)
    db.session.commit()
    auth.login("viewer")
    page = page_text(client.get("/staff/awaiting"))
    assert "Chasers awaiting approval" in page and "Approve and send" not in page
    token = csrf_token(client, "/staff/awaiting")
    for action in ("approve", "discard"):
        assert (
            client.post(f"/staff/chasers/{chaser.id}/{action}", data={"csrf_token": token}).status_code == 403
        )
    db.session.expire_all()
    assert db.session.get(Delivery, chaser.id).status == DeliveryStatus.PLANNED


def test_a_reply_to_a_chaser_answers_the_original(app, auth, client, db, letter):
    original = make_delivery(letter, _office(), SIX_WEEKS_AGO)
    chaser = _earlier_chaser(db, original, TODAY - timedelta(weeks=3))
    db.session.add(
        Response(
            letter_id=letter.id,
            recipient_id=original.recipient_id,
            delivery_id=chaser.id,
            channel=ResponseChannel.EMAIL,
            received_on=TODAY,
        )
    )
    db.session.commit()
    assert prepare_chasers(TODAY) == []
    auth.login("viewer")
    assert "Western Office" not in page_text(client.get("/staff/awaiting"))
