"""The public board of answers awaited: each body a published letter reached, how long it waited and how."""

import secrets
from datetime import date

from app.campaigns.public import forget_letter
from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.extensions import db
from app.letters.models import LetterStatus
from app.responses.models import Response, ResponseChannel, ResponseClassification, StatusEvent, StatusKind
from app.timeline.board import awaiting_board
from app.timeline.services import accept_event
from tests.factories import LetterFactory, RecipientFactory
from tests.helpers import page_text
from tests.timeline.conftest import make_delivery

PAGE = "/c/bring-them-home"
SENT = date(2025, 4, 30)


def _published(letter, recipient, sent_on=SENT, status=DeliveryStatus.DELIVERED):
    """A delivery whose proposed "delivered" event staff accepted and published."""
    delivery = make_delivery(letter, recipient, sent_on, status=status)
    if status != DeliveryStatus.DELIVERED:
        _event(delivery, StatusKind.SUBMITTED, sent_on)
        return delivery
    [proposal] = db.session.query(StatusEvent).filter_by(delivery_id=delivery.id).all()
    accept_event(proposal)
    db.session.commit()
    return delivery


def _event(delivery, kind, day, public=True):
    db.session.add(
        StatusEvent(
            campaign_id=delivery.letter.campaign_id,
            letter_id=delivery.letter_id,
            delivery_id=delivery.id,
            kind=kind,
            occurred_on=day,
            is_public=public,
        )
    )
    db.session.commit()


def _response(delivery, public=True, **values):
    response = Response(
        letter_id=delivery.letter_id,
        recipient_id=delivery.recipient_id,
        delivery_id=delivery.id,
        channel=ResponseChannel.EMAIL,
        classification=ResponseClassification.ACKNOWLEDGEMENT,
        received_on=date(2025, 5, 8),
        sender="Desk <desk-private@mofa.go.kr>",
        is_public=public,
        **values,
    )
    db.session.add(response)
    db.session.commit()
    return response


def test_the_board_counts_working_days_and_names_the_holidays_it_skipped(letter, ministry):
    _published(letter, ministry)
    [row] = awaiting_board(letter.campaign_id, "en", today=date(2025, 5, 9))
    assert (row["recipient"], row["waited"], row["state"]) == ("Ministry of Foreign Affairs", 5, "awaiting")
    assert (row["reached_on"], row["started_on"], row["counted_to"]) == (
        "April 30, 2025",
        "April 30, 2025",
        "May 9, 2025",
    )
    assert [h["date"] for h in row["holidays"]] == ["May 5, 2025", "May 6, 2025"]
    assert "Children's Day" in row["holidays"][0]["name"]
    [korean] = awaiting_board(letter.campaign_id, "ko", today=date(2025, 5, 9))
    assert "어린이날" in korean["holidays"][0]["name"] and korean["reached_on"] == "2025년 4월 30일"


def test_the_campaign_page_shows_the_board_in_english_and_korean(client, letter, ministry):
    _published(letter, ministry)
    text = page_text(client.get(f"{PAGE}?lang=en"))
    assert "Answers awaited" in text
    assert "Ministry of Foreign Affairs: delivered April 30, 2025, waiting for" in text
    assert "How it is counted: from April 30, 2025, when the letter was sent" in text
    assert "Buddha's Birthday; Children's Day (May 5, 2025)" in text
    assert "Its term is 20 working days: the answer is due" in text
    assert "mofa@example.kr" not in text
    korean = page_text(client.get(f"{PAGE}?lang=ko"))
    assert "기다리는 답변" in korean and "외교부" in korean
    assert "어린이날 (2025년 5월 5일)" in korean and "근무일" in korean


def test_the_body_s_public_statement_is_shown_and_a_private_one_is_not(client, letter, ministry):
    delivery = _published(letter, ministry)
    _response(
        delivery, summary_en="We have registered your letter and will answer.", summary_ko="접수하였습니다."
    )
    _response(delivery, public=False, summary_en="Internal: do not publish.")
    text = page_text(client.get(f"{PAGE}?lang=en"))
    assert "Its statement of May 8, 2025 · Acknowledgement" in text
    assert "We have registered your letter and will answer." in text
    assert "Internal: do not publish." not in text and "desk-private@mofa.go.kr" not in text
    assert "접수하였습니다." in page_text(client.get(f"{PAGE}?lang=ko"))


def test_an_answer_stops_the_count_and_moves_the_body_down(letter, ministry, headquarters):
    answered = _published(letter, ministry)
    _published(letter, headquarters)
    _event(answered, StatusKind.RESPONDED, date(2025, 5, 8))
    rows = awaiting_board(letter.campaign_id, "en", today=date(2025, 6, 2))
    assert [(r["recipient"], r["state"]) for r in rows] == [
        ("Coordination Headquarters", "overdue"),
        ("Ministry of Foreign Affairs", "stopped"),
    ]
    assert rows[1]["waited"] == 4 and rows[1]["counted_to"] == "May 8, 2025"


def test_only_published_letters_reached_bodies_and_published_deliveries_are_on_the_board(
    client, letter, ministry
):
    on_board = _published(letter, ministry)
    unpublished = make_delivery(letter, RecipientFactory(name_en="Ministry of Justice"), SENT)
    bounced = make_delivery(letter, RecipientFactory(name_en="Ministry of Unification"), SENT)
    bounced.status = DeliveryStatus.BOUNCED
    db.session.commit()
    _event(bounced, StatusKind.SUBMITTED, SENT)
    draft = LetterFactory(status=LetterStatus.DRAFT, campaign=letter.campaign)
    _published(draft, RecipientFactory(name_en="Ministry of Defense"), status=DeliveryStatus.SENT)
    planned = Delivery(
        letter=letter,
        recipient=RecipientFactory(name_en="Ministry of Health"),
        channel=Channel.EMAIL,
        status=DeliveryStatus.PLANNED,
        reply_token=secrets.token_hex(16),
    )
    db.session.add(planned)
    db.session.commit()
    _event(planned, StatusKind.SUBMITTED, SENT)
    forget_letter(letter)
    rows = awaiting_board(letter.campaign_id, "en")
    assert [r["recipient"] for r in rows] == ["Ministry of Foreign Affairs"]
    html = client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    board = html[html.index('id="awaiting-answers"') :]
    assert "Ministry of Foreign Affairs" in board
    for name in (
        "Ministry of Justice",
        "Ministry of Unification",
        "Ministry of Defense",
        "Ministry of Health",
    ):
        assert name not in board
    assert on_board.id and unpublished.id
