"""The links in the emails (confirm, withdraw) and the daily reminder and expiry."""

from datetime import timedelta

import pytest

from app.core.timeutil import utcnow
from app.signatures.models import SignatureStatus
from app.signatures.tasks import expire_unconfirmed, remind_unconfirmed
from tests.helpers import page_text
from tests.signatures.conftest import (
    inputs,
    link,
    mails,
    press_button,
    public_count,
    public_page,
    sign,
    signatures,
)

NOT_VALID = "This link is not valid or has expired."


def signed(client, letter, **fields):
    """Sign; return the confirmation email."""
    assert sign(client, letter, **fields).status_code == 302
    return mails()[-1]


def test_withdrawing_with_the_link_from_the_email(client, letter):
    message = signed(client, letter, name_en="Jane Doe")
    press_button(client, link(message, "confirm"))
    assert "Jane Doe" in page_text(public_page(client, letter))
    withdraw_path = link(message, "withdraw")

    page = client.get(withdraw_path)
    assert page.status_code == 200
    assert "Withdraw my signature" in page_text(page)
    assert signatures(letter)[0].status == SignatureStatus.CONFIRMED  # opening the link changes nothing

    done = press_button(client, withdraw_path)
    assert "Your signature is withdrawn. It is no longer counted or listed." in page_text(done)
    [signature] = signatures(letter)
    assert signature.status == SignatureStatus.WITHDRAWN
    withdrawn_at = signature.withdrawn_at
    assert withdrawn_at is not None
    assert "Jane Doe" not in page_text(public_page(client, letter))
    assert public_count(client, letter) == 0

    again = press_button(client, withdraw_path)
    assert again.status_code == 200
    assert "This signature was already withdrawn; nothing changed." in page_text(again)
    assert signatures(letter)[0].withdrawn_at == withdrawn_at
    confirm_again = press_button(client, link(message, "confirm"))
    assert "can no longer be confirmed" in page_text(confirm_again)
    assert signatures(letter)[0].status == SignatureStatus.WITHDRAWN


def test_a_withdrawal_in_korean(client, letter):
    message = signed(client, letter, lang="ko", name_en="", name_ko="김정삼")
    assert "서명을 철회하려면" in message.body_text

    done = press_button(client, link(message, "withdraw"), lang="ko")

    assert done.status_code == 200
    assert signatures(letter)[0].status == SignatureStatus.WITHDRAWN


@pytest.mark.parametrize("purpose", ["confirm", "withdraw"])
def test_a_tampered_link_is_refused(client, letter, purpose):
    path = link(signed(client, letter), purpose)
    token = inputs(client.get(path))["csrf_token"]
    other = "withdraw" if purpose == "confirm" else "confirm"
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")

    for bad in (tampered, path.replace(f"/s/{purpose}/", f"/s/{other}/"), f"/s/{purpose}/MQ"):
        for response in (client.get(bad), client.post(bad, data={"csrf_token": token})):
            assert response.status_code == 400, bad
            assert NOT_VALID in page_text(response)
    assert signatures(letter)[0].status == SignatureStatus.PENDING


def test_pressing_the_button_without_a_csrf_token_changes_nothing(client, letter):
    path = link(signed(client, letter), "confirm")

    response = client.post(path, data={})

    assert response.status_code == 400
    assert "This form has expired or was sent from elsewhere." in page_text(response)
    assert signatures(letter)[0].status == SignatureStatus.PENDING
    assert "confirmed" in page_text(press_button(client, path))


def test_a_withdrawn_sign_on_cannot_be_confirmed(client, letter):
    message = signed(client, letter)
    press_button(client, link(message, "withdraw"))

    response = press_button(client, link(message, "confirm"))

    text = page_text(response)
    assert "already confirmed" not in text
    assert "can no longer be confirmed" in text
    assert signatures(letter)[0].status == SignatureStatus.WITHDRAWN
    assert public_count(client, letter) == 0


def age(signature, **delta):
    signature.created_at = utcnow() - timedelta(**delta)


def test_one_reminder_a_day_after_signing_and_never_two(client, db, letter):
    signed(client, letter, lang="ko", name_en="", name_ko="김정삼", email="late@example.kr")
    signed(client, letter, name_en="Fresh Signer", email="fresh@example.org")
    confirmed = signed(client, letter, name_en="Done Signer", email="done@example.org")
    press_button(client, link(confirmed, "confirm"))
    late, fresh, done = signatures(letter)
    age(late, hours=25)
    age(fresh, hours=23)
    age(done, hours=25)
    db.session.commit()
    before = len(mails())

    assert remind_unconfirmed() == 1

    [reminder] = mails()[before:]
    assert reminder.to == "late@example.kr"
    assert reminder.subject.startswith("[다시 알림]") and "“공개 서한”" in reminder.subject
    assert "아직 확인되지 않았습니다" in reminder.body_text
    assert signatures(letter)[0].reminded_at is not None
    assert remind_unconfirmed() == 0
    assert len(mails()) == before + 1
    # The page is in Korean, the language of the sign-on.
    assert "서명이 확인되었습니다" in page_text(press_button(client, link(reminder, "confirm")))
    assert signatures(letter)[0].status == SignatureStatus.CONFIRMED


def test_unconfirmed_sign_ons_expire_after_a_week(client, db, letter):
    old = signed(client, letter, name_en="Old Signer", email="old@example.org")
    signed(client, letter, name_en="Recent Signer", email="recent@example.org")
    confirmed = signed(client, letter, name_en="Confirmed Signer", email="confirmed@example.org")
    press_button(client, link(confirmed, "confirm"))
    for signature, days in zip(signatures(letter), (8, 6, 8), strict=True):
        age(signature, days=days)
    db.session.commit()

    assert expire_unconfirmed() == 1

    assert [s.status for s in signatures(letter)] == [
        SignatureStatus.EXPIRED,
        SignatureStatus.PENDING,
        SignatureStatus.CONFIRMED,
    ]
    assert expire_unconfirmed() == 0
    assert remind_unconfirmed() == 1  # the recent one only; an expired sign-on is not reminded
    response = press_button(client, link(old, "confirm"))
    assert "can no longer be confirmed" in page_text(response)
    assert signatures(letter)[0].status == SignatureStatus.EXPIRED
    assert public_count(client, letter) == 1
