"""Staff plan deliveries on the letter's page: a batch is made, or every refusal is named."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.deliveries.models import Delivery, DeliveryBatch, DeliveryStatus
from app.letters.models import LetterStatus
from app.models import AuditLog, Response
from app.responses.models import ResponseChannel
from tests.deliveries.conftest import plan_rows
from tests.factories import LetterFactory, RecipientFactory
from tests.helpers import page_text


def _page(letter):
    return f"/staff/letters/{letter.id}/deliveries"


def _deliveries(db):
    return db.session.scalars(sa.select(Delivery).order_by(Delivery.id)).all()


def test_editor_plans_two_deliveries_as_a_batch_and_lands_on_its_page(
    auth, post_form, client, db, letter, embassy, office
):
    auth.login("editor")
    page = client.get(_page(letter))
    assert page.status_code == 200
    assert "Embassy of Ukraine in Seoul" in page_text(page) and "Plan these deliveries" in page_text(page)
    later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = plan_rows((0, embassy, "email", "both", "", False), (1, office, "post", "ko", later, False))
    response = post_form(_page(letter), _page(letter), data)
    assert response.status_code == 302
    batch = db.session.scalar(sa.select(DeliveryBatch))
    assert response.headers["Location"].endswith(f"/staff/delivery-batches/{batch.id}")
    email, post = _deliveries(db)
    assert (email.channel, email.language, email.send_at, email.destination) == (
        "email",
        "both",
        None,
        "consular@embassy.example",
    )
    assert (post.channel, post.language, post.destination) == ("post", "ko", "")
    assert post.send_at.strftime("%Y-%m-%dT%H:%M") == later
    for delivery in (email, post):
        assert delivery.status == DeliveryStatus.PLANNED and delivery.batch_id == batch.id
        assert delivery.version_id == letter.current_version.id
        assert len(delivery.reply_token) == 32 and delivery.document_id is None
        assert [e.to_status for e in delivery.events] == ["planned"] and delivery.events[
            0
        ].actor_id == auth.user.id
    assert email.reply_token != post.reply_token
    shown = page_text(client.get(response.headers["Location"]))
    assert (
        "Planned 2" in shown and "Embassy of Ukraine in Seoul" in shown and "Office of the President" in shown
    )


def test_a_plan_without_csrf_token_is_refused_and_plans_nothing(auth, client, db, letter, embassy):
    auth.login("editor")
    data = plan_rows((0, embassy, "email", "en", "", False))
    assert client.post(_page(letter), data=data).status_code == 400
    assert _deliveries(db) == []


def test_batch_page_and_its_json_count_each_state_and_the_answers(auth, client, db, letter, embassy, office):
    from app.deliveries.planning import plan_batch, queue_delivery

    user = auth.login("viewer")
    third = RecipientFactory(address_en="Geneva")
    items = [
        {"recipient": r, "channel": "post", "language": "en", "send_at": None}
        for r in (embassy, office, third)
    ]
    batch = plan_batch(letter, items, user)
    first, second, _third = batch.deliveries
    queue_delivery(first, user)
    first.move_to("sent", actor=user)
    queue_delivery(second, user)
    db.session.add(
        Response(
            letter_id=letter.id,
            recipient_id=embassy.id,
            delivery_id=first.id,
            channel=ResponseChannel.EMAIL,
            received_on=date.today(),
        )
    )
    db.session.commit()

    counts = client.get(f"/staff/delivery-batches/{batch.id}/progress.json").get_json()
    assert {
        k: counts[k] for k in ("planned", "queued", "sending", "sent", "delivered", "failed", "answered")
    } == {
        "planned": 1,
        "queued": 1,
        "sending": 0,
        "sent": 1,
        "delivered": 0,
        "failed": 0,
        "answered": 1,
    }
    assert (counts["total"], counts["settled"], counts["percent"], counts["running"]) == (3, 1, 33, True)
    page = client.get(f"/staff/delivery-batches/{batch.id}")
    html = page.get_data(as_text=True)
    assert 'data-running="true"' in html and 'src="/static/batch-progress.js"' in html
    assert '<progress max="3" value="1"' in html and "<script>" not in html  # CSP: no inline script
    text = page_text(page)
    assert "Planned 1 Queued 1 Sending 0 Sent 1" in text and "Answered 1" in text
    assert "Queue the planned deliveries" not in text  # viewers read only


def test_the_progress_script_is_served_from_our_origin(client):
    with client.get("/static/batch-progress.js") as response:
        assert response.status_code == 200 and "data-progress-url" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "channel", "message"),
    [
        ({"emails": []}, "email", "This recipient has no email address."),
        ({"emails": ["not an address"]}, "email", "The recipient's email address is not valid."),
        ({"fax": ""}, "fax", "This recipient has no fax number."),
        ({"address_en": "", "address_ko": ""}, "post", "This recipient has no postal address."),
        ({"address_en": "", "address_ko": ""}, "courier", "This recipient has no postal address."),
        ({"portal_url": ""}, "portal", "This recipient has no web portal."),
    ],
)
def test_a_recipient_without_an_address_for_the_channel_is_refused(
    auth, post_form, db, letter, embassy, fields, channel, message
):
    for key, value in fields.items():
        setattr(embassy, key, value)
    db.session.commit()
    auth.login("editor")
    response = post_form(_page(letter), _page(letter), plan_rows((0, embassy, channel, "en", "", False)))
    assert response.status_code == 422
    assert message in page_text(response) and "nothing was planned" in page_text(response)
    assert _deliveries(db) == [] and db.session.scalar(sa.select(DeliveryBatch)) is None


def test_one_refused_row_plans_nothing_of_the_batch(auth, post_form, db, letter, embassy, office):
    auth.login("editor")
    data = plan_rows((0, embassy, "email", "en", "", False), (1, office, "email", "en", "", False))
    response = post_form(_page(letter), _page(letter), data)
    assert response.status_code == 422 and "This recipient has no email address." in page_text(response)
    assert _deliveries(db) == []


@pytest.mark.parametrize("status", [LetterStatus.DRAFT, LetterStatus.IN_REVIEW, LetterStatus.ARCHIVED])
def test_a_letter_that_is_not_open_closed_or_delivered_cannot_be_planned(
    auth, post_form, client, db, letter, embassy, status
):
    auth.login("editor")
    page = _page(letter)
    token_page = client.get(page)
    assert "Plan these deliveries" in page_text(token_page)
    letter.status = status
    db.session.commit()
    shown = client.get(page)
    assert "Plan these deliveries" not in page_text(shown)
    assert "Only an open, closed or delivered letter can be delivered." in page_text(shown)
    response = post_form(
        f"/staff/letters/{letter.id}/revisions", page, plan_rows((0, embassy, "email", "en", "", False))
    )
    assert response.status_code == 409
    assert "Only an open, closed or delivered letter can be delivered." in page_text(response)
    assert _deliveries(db) == []


def test_a_second_plan_to_a_recipient_already_delivered_to_needs_a_confirmed_resend(
    auth, post_form, db, letter, embassy
):
    from app.deliveries.planning import plan_delivery, queue_delivery

    user = auth.login("editor")
    first = plan_delivery(letter, embassy, "post", "en", None, user)
    queue_delivery(first, user)
    first.move_to("delivered", actor=user)
    db.session.commit()
    refused = post_form(_page(letter), _page(letter), plan_rows((0, embassy, "email", "en", "", False)))
    assert refused.status_code == 409
    assert "already planned, on its way or delivered to this recipient" in page_text(refused)
    assert len(_deliveries(db)) == 1

    confirmed = post_form(_page(letter), _page(letter), plan_rows((0, embassy, "email", "en", "", True)))
    assert confirmed.status_code == 302
    again = _deliveries(db)[-1]
    assert again.is_resend and again.events[0].detail == "Planned as a re-send, confirmed by staff."
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "delivery.resend"))
    assert audit.object_id == again.id and audit.actor_id == user.id


def test_an_unconfirmed_delivery_also_counts_as_reached(db, letter, embassy, make_user):
    from app.core.errors import Conflict
    from app.deliveries.planning import plan_delivery, queue_delivery

    user = make_user()
    first = plan_delivery(letter, embassy, "email", "en", None, user)
    queue_delivery(first, user)
    first.move_to("sending")
    first.move_to("unconfirmed")
    with pytest.raises(Conflict):
        plan_delivery(letter, embassy, "fax", "en", None, user)
    first.move_to("cancelled", actor=user)
    assert plan_delivery(letter, embassy, "fax", "en", None, user).status == "planned"


def test_a_send_time_in_the_past_is_refused(auth, post_form, db, letter, embassy):
    auth.login("editor")
    past = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    response = post_form(_page(letter), _page(letter), plan_rows((0, embassy, "email", "en", past, False)))
    assert response.status_code == 422 and "The send time lies in the past." in page_text(response)
    unreadable = post_form(
        _page(letter), _page(letter), plan_rows((0, embassy, "email", "en", "tomorrow", False))
    )
    assert unreadable.status_code == 422 and "Enter a date and time" in page_text(unreadable)
    assert _deliveries(db) == []


def test_a_language_the_letter_does_not_have_is_refused(auth, post_form, client, db, embassy):
    from app.letters.services import freeze_version

    letter = LetterFactory(status=LetterStatus.OPEN, body_ko="", title_ko="", single_language="en")
    freeze_version(letter)
    db.session.commit()
    auth.login("editor")
    page = client.get(_page(letter)).get_data(as_text=True)
    assert 'value="both"' not in page and 'value="ko">' not in page  # only English is offered
    response = post_form(_page(letter), _page(letter), plan_rows((0, embassy, "email", "both", "", False)))
    assert response.status_code == 422
    assert "This letter exists in one language only: en." in page_text(response)
    assert _deliveries(db) == []


def test_a_plan_in_korean_reads_its_refusal_in_korean(auth, post_form, client, db, letter, office):
    auth.login("editor")
    client.get("/?lang=ko")
    response = post_form(_page(letter), _page(letter), plan_rows((0, office, "email", "en", "", False)))
    assert response.status_code == 422
    assert "This recipient has no email address." not in page_text(response)
    assert "이메일 주소가 없습니다" in page_text(response)


def test_a_plan_with_nothing_ticked_says_so(auth, post_form, db, letter, embassy):
    auth.login("editor")
    response = post_form(_page(letter), _page(letter), {"rows-0-recipient_id": str(embassy.id)})
    assert response.status_code == 422 and "Tick at least one recipient." in page_text(response)


def test_viewers_read_deliveries_but_cannot_plan(auth, post_form, client, db, letter, embassy):
    auth.login("viewer")
    page = client.get(_page(letter))
    assert page.status_code == 200 and "Plan these deliveries" not in page_text(page)
    response = post_form(_page(letter), _page(letter), plan_rows((0, embassy, "email", "en", "", False)))
    assert response.status_code == 403 and _deliveries(db) == []
