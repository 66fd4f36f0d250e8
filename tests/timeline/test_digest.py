"""The daily digest: staff (admins and editors) get an email naming each overdue delivery."""

from datetime import timedelta

from app.core.cache import get_cache
from app.core.timeutil import utcnow
from app.timeline.tasks import overdue_digest
from tests.factories import RecipientFactory
from tests.timeline.conftest import make_delivery


def _forget_todays_digest():
    get_cache().delete(f"timeline:digest:{utcnow().date().isoformat()}")


def test_staff_get_a_digest_of_the_overdue_deliveries(app, db, inbox, letter, make_user):
    _forget_todays_digest()
    today = utcnow().date()
    late = RecipientFactory(name_en="Western Office", country="")
    recent = RecipientFactory(name_en="Recent Office", country="")
    delivery = make_delivery(letter, late, today - timedelta(weeks=6))  # 30 working days
    make_delivery(letter, recent, today)
    editor = make_user(role="editor", email="editor@coalition.example")
    make_user(role="admin", email="admin@coalition.example", locale="ko")
    make_user(role="viewer", email="viewer@coalition.example")
    db.session.commit()

    assert overdue_digest() == 2
    received = inbox.wait_for(2)
    by_address = {rcpt[0]: message for rcpt, message in received}
    assert set(by_address) == {"editor@coalition.example", "admin@coalition.example"}
    english = by_address[editor.email]
    assert english["Subject"] == "Overdue answers: 1 deliveries"
    text = english.get_content()
    assert "Western Office · An open letter · overdue" in text
    assert "waited 30 working days" in text
    assert f"http://localhost/staff/deliveries/{delivery.id}" in text
    assert "http://localhost/staff/awaiting" in text
    assert "Recent Office" not in text
    assert by_address["admin@coalition.example"]["Subject"] == "기한이 지난 답변: 전달 1건"
    korean = by_address["admin@coalition.example"].get_content()
    assert "공개 서한" in korean and "30 근무일 대기" in korean

    assert overdue_digest() == 0  # beat running it twice in a day sends nothing more
    assert len(inbox.received) == 2


def test_no_digest_when_nothing_is_overdue(app, db, inbox, letter, make_user):
    _forget_todays_digest()
    make_delivery(letter, RecipientFactory(country=""), utcnow().date())
    make_user(role="editor")
    db.session.commit()
    assert overdue_digest() == 0
    assert inbox.received == []
