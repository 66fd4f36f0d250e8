"""Signers who ask are emailed when the letter is delivered or news is published, once, and can stop."""

import re
import secrets
from datetime import date

import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.deliveries.models import Channel, Delivery, DeliveryStatus
from app.deliveries.states import move
from app.extensions import db
from app.mail.models import OutboxMessage
from app.responses.models import StatusEvent, StatusKind
from app.signatures.models import Signatory, SignatureStatus
from app.signatures.update_tasks import send_updates
from app.timeline.services import propose_event
from tests.factories import RecipientFactory
from tests.helpers import page_text
from tests.signatures.conftest import inputs, link, mails, open_form, press_button, sign, signatures

_UNSUBSCRIBE = re.compile(r"http://localhost(/s/unsubscribe/[^\s]+)")
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def signed_up(client, letter, email, lang="en", updates="y", **fields):
    """Sign (asking for updates unless told otherwise) and confirm; the signatory."""
    names = {"name_en": "", "name_ko": "김정삼"} if lang == "ko" else {"name_en": "Jane Doe"}
    response = sign(client, letter, lang=lang, email=email, updates=updates, **{**names, **fields})
    assert response.status_code == 302
    press_button(client, link(mails(to=email)[-1], "confirm"), lang=lang)
    return db.session.scalar(sa.select(Signatory).where(Signatory.email == email))


def updates_to(email):
    return [message for message in mails(to=email) if "/s/unsubscribe/" in message.body_text]


def publish_proposal(client, auth, letter, **fields):
    """A proposed event, accepted by staff in one click on the timeline page."""
    event = propose_event(letter, fields.pop("kind", StatusKind.RESPONDED), date(2025, 4, 2), **fields)
    db.session.commit()
    auth.login("editor")
    page = client.get(f"/staff/letters/{letter.id}/timeline").get_data(as_text=True)
    token = _CSRF.search(page).group(1)
    response = client.post(
        f"/staff/letters/{letter.id}/timeline/{event.id}/accept", data={"csrf_token": token}
    )
    assert response.status_code == 302
    return event


def unsubscribe_path(message):
    return _UNSUBSCRIBE.search(message.body_text).group(1)


def test_the_form_offers_updates_unticked_in_both_languages(client, letter):
    assert "Email me when the letter is delivered or answered" in page_text(open_form(client, letter))
    assert "서한이 전달되거나 답변이 오면 이메일로 알려 주세요" in page_text(open_form(client, letter, "ko"))
    assert "updates" not in inputs(open_form(client, letter))


def test_the_opt_in_is_stored_with_its_time(client, letter):
    before = utcnow()
    asked = signed_up(client, letter, "asked@example.org")
    did_not = signed_up(client, letter, "quiet@example.org", updates=None)
    assert asked.wants_updates and asked.updates_requested_at >= before
    assert not did_not.wants_updates and did_not.updates_requested_at is None


def test_a_published_event_mails_each_signer_who_asked_once_in_their_language(client, auth, letter):
    signed_up(client, letter, "jane@example.org")
    signed_up(client, letter, "kim@example.org", lang="ko")
    signed_up(client, letter, "quiet@example.org", updates=None)
    publish_proposal(client, auth, letter, note_en="The ministry answered.", note_ko="부처가 답변했습니다.")

    assert send_updates() == 2
    [english] = updates_to("jane@example.org")
    [korean] = updates_to("kim@example.org")
    assert updates_to("quiet@example.org") == []
    assert english.subject == "News of “An open letter”"
    assert "The ministry answered." in english.body_text
    assert "공개 서한" in korean.subject and "부처가 답변했습니다." in korean.body_text
    for message in (english, korean):
        path = unsubscribe_path(message)
        assert message.headers["List-Unsubscribe"] == f"<http://localhost{path}>"
        assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"http://localhost/c/{letter.campaign.slug}" in english.body_text

    assert send_updates() == 0
    assert len(updates_to("jane@example.org")) == 1 and len(updates_to("kim@example.org")) == 1


def test_a_private_or_proposed_event_mails_nobody(client, auth, letter):
    signed_up(client, letter, "jane@example.org")
    propose_event(letter, StatusKind.RESPONDED, date(2025, 4, 2))
    db.session.commit()
    assert send_updates() == 0
    assert updates_to("jane@example.org") == []


def test_a_delivery_is_mailed_once_staff_publish_its_event_and_never_twice(client, auth, letter):
    signed_up(client, letter, "jane@example.org")
    delivery = Delivery(
        letter=letter,
        recipient=RecipientFactory(),
        channel=Channel.EMAIL,
        status=DeliveryStatus.SENT,
        reply_token=secrets.token_hex(16),
    )
    db.session.add(delivery)
    db.session.commit()
    move(delivery, DeliveryStatus.DELIVERED)
    db.session.commit()
    assert send_updates() == 0, "a delivery is news for signers only once staff publish it"
    assert updates_to("jane@example.org") == []

    event = db.session.scalar(sa.select(StatusEvent).where(StatusEvent.delivery_id == delivery.id))
    auth.login("editor")
    page = client.get(f"/staff/letters/{letter.id}/timeline").get_data(as_text=True)
    client.post(
        f"/staff/letters/{letter.id}/timeline/{event.id}/accept",
        data={"csrf_token": _CSRF.search(page).group(1)},
    )
    assert send_updates() == 1
    [message] = updates_to("jane@example.org")
    assert send_updates() == 0
    assert len(updates_to("jane@example.org")) == 1


def _first_update(client, auth, letter, email):
    signed_up(client, letter, email)
    publish_proposal(client, auth, letter)
    send_updates()
    [message] = updates_to(email)
    return unsubscribe_path(message)


def test_opening_the_unsubscribe_link_changes_nothing_and_the_button_unsubscribes(client, auth, letter):
    path = _first_update(client, auth, letter, "jane@example.org")
    page = client.get(path)
    assert page.status_code == 200 and "Unsubscribe" in page_text(page)
    signatory = db.session.scalar(sa.select(Signatory).where(Signatory.email == "jane@example.org"))
    db.session.refresh(signatory)
    assert signatory.wants_updates

    assert client.post(path, data={}).status_code == 302  # no token: nothing changes
    db.session.refresh(signatory)
    assert signatory.wants_updates

    done = press_button(client, path)
    assert "You will get no more updates about this letter." in page_text(done)
    db.session.refresh(signatory)
    assert not signatory.wants_updates
    assert signatures(letter)[0].status == SignatureStatus.CONFIRMED


def test_the_one_click_post_unsubscribes_without_a_cookie_or_token(app, client, auth, letter):
    path = _first_update(client, auth, letter, "jane@example.org")
    response = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    signatory = db.session.scalar(sa.select(Signatory).where(Signatory.email == "jane@example.org"))
    db.session.refresh(signatory)
    assert not signatory.wants_updates


def test_a_tampered_unsubscribe_link_is_refused(app, client, auth, letter):
    path = _first_update(client, auth, letter, "jane@example.org")
    response = app.test_client().post(path[:-3] + "AAA", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400


def test_unsubscribed_withdrawn_and_erased_signers_get_nothing(app, client, auth, letter):
    signed_up(client, letter, "stays@example.org")
    path = _first_update(client, auth, letter, "stopped@example.org")
    app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    withdrawn = signed_up(client, letter, "withdrawn@example.org")
    withdraw_path = link(mails(to="withdrawn@example.org")[0], "withdraw")
    press_button(client, withdraw_path)
    erased = signed_up(client, letter, "erased@example.org")
    erased.erased_at = utcnow()
    db.session.commit()
    assert [s.status for s in signatures(letter) if s.signatory_id == withdrawn.id] == [
        SignatureStatus.WITHDRAWN
    ]

    publish_proposal(client, auth, letter, kind=StatusKind.ACKNOWLEDGED)
    send_updates()

    assert len(updates_to("stays@example.org")) == 2
    assert len(updates_to("stopped@example.org")) == 1
    assert updates_to("withdrawn@example.org") == []
    assert updates_to("erased@example.org") == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) > 0
