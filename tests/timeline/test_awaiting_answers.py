"""The staff overview of deliveries awaiting an answer: due date computed and shown, overdue first."""

import re
from datetime import date, timedelta

from app.core.timeutil import utcnow
from app.deliveries.models import DeliveryStatus
from app.extensions import db
from app.timeline.deadlines import response_clock
from tests.factories import RecipientFactory
from tests.helpers import page_text
from tests.timeline.conftest import make_delivery


def test_due_date_is_shown_with_the_holidays_it_skipped(auth, client, letter, ministry):
    make_delivery(letter, ministry, date(2025, 9, 30))
    auth.login("viewer")
    text = page_text(client.get("/staff/awaiting?lang=en"))
    # 30 Sep 2025 + 20 working days in Korea, skipping 3 and 6-9 October.
    assert (
        "sent September 30, 2025, 20 working days, skipped: National Foundation Day (October 3, 2025), "
        "Chuseok (October 6, 2025), The second day of Chuseok (October 7, 2025), "
        "Alternative holiday for Chuseok (October 8, 2025), Hangul Day (October 9, 2025), "
        "due November 4, 2025"
    ) in text


def test_the_clock_starts_at_the_send_not_the_delivery(app, letter, ministry):
    delivery = make_delivery(letter, ministry, date(2025, 3, 11), status=DeliveryStatus.DELIVERED)
    delivery.delivered_at = delivery.sent_at + timedelta(days=7)
    clock = response_clock(delivery, today=date(2025, 3, 12))
    assert clock["started_on"] == date(2025, 3, 11)
    assert clock["due_on"] == date(2025, 4, 8)
    assert clock["state"] == "awaiting"


def test_overdue_after_the_due_date_and_long_overdue_after_forty_working_days(app, letter):
    nowhere = RecipientFactory(country="")  # weekends only: counts are exact
    delivery = make_delivery(letter, nowhere, date(2025, 3, 3))  # a Monday
    assert response_clock(delivery, today=date(2025, 3, 31))["state"] == "awaiting"  # day 20: due
    assert response_clock(delivery, today=date(2025, 4, 1))["state"] == "overdue"  # day 21
    assert response_clock(delivery, today=date(2025, 4, 25))["state"] == "overdue"  # day 39
    long = response_clock(delivery, today=date(2025, 4, 28))  # day 40
    assert (long["state"], long["waited"]) == ("long_overdue", 40)


def test_the_overview_lists_overdue_first_with_working_days_waited(auth, client, letter):
    today = utcnow().date()
    recent = RecipientFactory(name_en="Recent Office", country="")
    late = RecipientFactory(name_en="Western Office", country="")
    very_late = RecipientFactory(name_en="Northern Office", country="")
    make_delivery(letter, recent, today)
    make_delivery(letter, late, today - timedelta(weeks=6))  # 30 working days
    make_delivery(letter, very_late, today - timedelta(weeks=10))  # 50 working days
    auth.login("viewer")
    text = page_text(client.get("/staff/awaiting?lang=en"))
    assert text.index("Northern Office") < text.index("Western Office") < text.index("Recent Office")
    assert "Northern Office An open letter 50 working days long overdue" in text
    assert "Western Office An open letter 30 working days overdue" in text
    assert "Recent Office An open letter 0 working days awaiting an answer" in text


def test_the_overview_is_for_staff_only(client):
    assert client.get("/staff/awaiting").status_code in (302, 401, 403)


def test_the_korean_overview_names_the_holidays_in_korean(auth, client, letter, ministry):
    make_delivery(letter, ministry, date(2025, 9, 30))
    auth.login("viewer")
    text = page_text(client.get("/staff/awaiting?lang=ko"))
    assert (
        "2025년 9월 30일 발송, 20 근무일, 제외한 공휴일: 개천절 (2025년 10월 3일), 추석 (2025년 10월 6일)"
        in text
    )
    assert "기한 2025년 11월 4일" in text
    assert "기한이 오래 지남" in text


def test_a_term_of_the_letter_and_of_the_recipient_change_the_due_date(app, auth, client, letter):
    office = RecipientFactory(country="")
    delivery = make_delivery(letter, office, date(2025, 3, 3))  # a Monday
    assert response_clock(delivery, today=date(2025, 3, 4))["due_on"] == date(2025, 3, 31)  # 20 by default
    auth.login("editor")
    page = client.get(f"/staff/letters/{letter.id}/timeline").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        f"/staff/letters/{letter.id}/timeline/term",
        data={"csrf_token": token, "response_due_working_days": "10"},
    )
    assert response.status_code == 302
    db.session.refresh(letter)
    assert response_clock(delivery, today=date(2025, 3, 4))["due_on"] == date(2025, 3, 17)
    office.response_due_working_days = 30  # the body's own term, e.g. set by law, comes first
    db.session.commit()
    assert response_clock(delivery, today=date(2025, 3, 4))["due_on"] == date(2025, 4, 14)
