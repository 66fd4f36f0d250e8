"""One delivery's page: its state, its whole history, its document, and a person's decisions."""

import sqlalchemy as sa

from app.deliveries.models import Delivery
from app.deliveries.planning import plan_delivery
from app.documents.models import Document
from app.extensions import db as _db
from tests.documents.conftest import pdf_text
from tests.factories import PASSWORD
from tests.helpers import log_in, page_text


def _show(delivery):
    return f"/staff/deliveries/{delivery.id}"


def _decide(post_form, delivery, to, detail=""):
    url = f"/staff/deliveries/{delivery.id}/transition"
    response = post_form(_show(delivery), url, {"to": to, "detail": detail})
    _db.session.expire_all()  # the request committed in a session of its own
    return response


def test_queueing_fixes_the_recipients_own_document_with_their_address_block(
    auth, post_form, client, db, letter, embassy, office
):
    user = auth.login("editor")
    delivery = plan_delivery(letter, office, "post", "en", None, user)
    plan_delivery(letter, embassy, "post", "en", None, user)  # another recipient, another PDF
    db.session.commit()
    assert "Fixed when the delivery is queued." in page_text(client.get(_show(delivery)))

    assert _decide(post_form, delivery, "queued").status_code == 302  # renders inline in eager mode

    delivery = db.session.get(Delivery, delivery.id)
    document = db.session.get(Document, delivery.document_id)
    assert delivery.status == "queued" and document.recipient_id == office.id
    assert document.language == "en" and document.version_id == delivery.version_id
    assert document.is_ready
    pdf = client.get(f"/documents/{document.token}.pdf")
    text = " ".join(pdf_text(pdf.data).split())
    assert "Office of the President of Ukraine 11 Bankova Street Kyiv 01220 Ukraine" in text
    assert "Embassy of Ukraine" not in text
    shown = page_text(client.get(_show(delivery)))
    assert f"/documents/{document.token}.pdf" in shown and document.sha256 in shown
    assert "Check a file at /verify" in shown


def test_history_lists_every_change_with_time_actor_and_detail(auth, post_form, client, db, letter, office):
    user = auth.login("editor")
    delivery = plan_delivery(letter, office, "courier", "en", None, user)
    db.session.commit()
    assert _decide(post_form, delivery, "queued", "handed to the courier desk").status_code == 302
    assert _decide(post_form, delivery, "sent", "DHL 1234").status_code == 302
    assert _decide(post_form, delivery, "delivered", "signed for at the gate").status_code == 302

    delivery = db.session.get(Delivery, delivery.id)
    assert [(e.from_status, e.to_status) for e in delivery.events] == [
        (None, "planned"),
        ("planned", "queued"),
        ("queued", "sent"),
        ("sent", "delivered"),
    ]
    assert delivery.sent_at is not None and delivery.delivered_at is not None
    shown = page_text(client.get(_show(delivery)))
    assert "Status Delivered" in shown
    history = shown.split("History", 1)[1]
    assert history.count(user.name) == 4
    assert "Planned → Queued" in history and "Queued → Sent" in history and "Sent → Delivered" in history
    assert (
        "handed to the courier desk" in history
        and "DHL 1234" in history
        and "signed for at the gate" in history
    )
    assert " UTC" in history
    assert "Mark as bounced" in shown and "Cancel" not in shown  # only what the state machine allows


def test_a_move_the_state_machine_forbids_is_refused_with_its_reason(
    auth, post_form, client, db, letter, office
):
    user = auth.login("editor")
    delivery = plan_delivery(letter, office, "post", "en", None, user)
    db.session.commit()
    response = _decide(post_form, delivery, "delivered")
    assert response.status_code == 302
    followed = client.get(response.headers["Location"])
    assert "cannot become delivered" in page_text(followed)
    assert db.session.get(Delivery, delivery.id).status == "planned"
    assert _decide(post_form, delivery, "sending").status_code == 302
    assert db.session.get(Delivery, delivery.id).status == "planned"  # the worker's state, not a person's


def test_an_unconfirmed_email_is_marked_as_sent_or_sent_again_only_by_a_person(
    auth, post_form, client, db, letter, embassy
):
    user = auth.login("editor")
    delivery = plan_delivery(letter, embassy, "email", "en", None, user)
    delivery.move_to("queued", actor=user)
    delivery.attempts = 1
    delivery.move_to("sending")
    delivery.move_to("unconfirmed", detail="connection lost after DATA")
    db.session.commit()
    shown = page_text(client.get(_show(delivery)))
    assert "Unconfirmed: may have arrived" in shown and "it may have arrived" in shown
    assert "Mark as sent" in shown and "Send again" in shown
    assert "worker" in shown.split("History", 1)[1]

    assert _decide(post_form, delivery, "sent", "the embassy confirmed by phone").status_code == 302
    delivery = db.session.get(Delivery, delivery.id)
    event = delivery.events[-1]
    assert (event.from_status, event.to_status, event.actor_id) == ("unconfirmed", "sent", user.id)
    assert event.detail == "the embassy confirmed by phone"


def test_send_again_queues_an_unconfirmed_delivery_with_the_same_document(
    auth, post_form, db, letter, embassy
):
    from app.deliveries.planning import queue_delivery

    user = auth.login("editor")
    delivery = plan_delivery(letter, embassy, "email", "en", None, user)
    document = queue_delivery(delivery, user)
    delivery.move_to("sending")
    delivery.move_to("unconfirmed")
    db.session.commit()
    assert _decide(post_form, delivery, "queued", "not in their inbox").status_code == 302
    delivery = db.session.get(Delivery, delivery.id)
    assert delivery.document_id == document.id
    decision = next(e for e in delivery.events if e.detail == "not in their inbox")
    assert (decision.from_status, decision.to_status) == ("unconfirmed", "queued")
    assert delivery.status in ("queued", "sending", "sent")  # the email channel may take it at once


def test_viewers_see_the_delivery_without_the_recipients_contact_data(
    app, auth, client, db, letter, embassy, make_user
):
    editor = make_user(role="editor")
    delivery = plan_delivery(letter, embassy, "email", "en", None, editor)
    delivery.move_to("queued", actor=editor)
    delivery.move_to("sending")
    delivery.move_to("failed", detail="550 consular@embassy.example: no such user")
    delivery.failure_reason = "refused"
    delivery.server_reply = "550 5.1.1 <consular@embassy.example> unknown"
    db.session.commit()

    auth.login("viewer")
    shown = page_text(client.get(_show(delivery)))
    assert "Failed" in shown and "refused" in shown and "no such user" in shown
    assert "consular@embassy.example" not in shown and "555 0100" not in shown
    assert "Destination" not in shown and "Send again" not in shown

    other = app.test_client()
    assert log_in(other, editor.email, PASSWORD).status_code == 302
    shown = page_text(other.get(_show(delivery)))
    assert "Destination consular@embassy.example" in shown and "Send again" in shown


def test_the_page_names_message_id_and_reply_address_rows_for_email(auth, client, db, letter, embassy):
    user = auth.login("viewer")
    delivery = plan_delivery(letter, embassy, "email", "en", None, user)
    delivery.message_id = "<delivery-1@undersigned.example>"
    db.session.commit()
    shown = page_text(client.get(_show(delivery)))
    assert "Message-ID <delivery-1@undersigned.example>" in shown and "Reply address" in shown
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == 1
