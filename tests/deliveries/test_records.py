"""Post, courier, fax, hand, portal and partner deliveries recorded by staff, in the history, with proof."""

from datetime import timedelta

import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.deliveries.models import Channel, DeliveryEvent, DeliveryProof, DeliveryStatus, ProofKind
from tests.deliveries.records_support import make_delivery, pdf_bytes, records_url, send
from tests.factories import PASSWORD
from tests.helpers import log_in, page_text

S = DeliveryStatus


def today():
    return utcnow().date()


def test_a_post_delivery_is_dispatched_then_delivered_with_the_person_who_entered_each(client, auth, db):
    editor = auth.login("editor")
    delivery = make_delivery(Channel.POST)
    page = page_text(client.get(records_url(delivery)))
    assert "Record the dispatch" in page and "Record the delivery" not in page

    yesterday = (today() - timedelta(days=1)).isoformat()
    answer = send(
        client,
        delivery,
        "dispatch",
        {"day": yesterday, "carrier": "Ukrposhta", "tracking_number": "RR123456789UA", "cost": "12.40 EUR"},
    )
    assert answer.status_code == 302
    db.session.refresh(delivery)
    assert delivery.status == S.SENT and delivery.carrier == "Ukrposhta"
    assert delivery.dispatched_at.date().isoformat() == yesterday
    page = page_text(client.get(records_url(delivery)))
    assert "RR123456789UA" in page and "12.40 EUR" in page
    assert "Record the delivery" in page and "Record the dispatch" not in page

    answer = send(client, delivery, "delivery", {"day": today().isoformat(), "received_by": "O. Petrenko"})
    assert answer.status_code == 302
    db.session.refresh(delivery)
    assert delivery.status == S.DELIVERED and delivery.received_by == "O. Petrenko"
    events = db.session.scalars(
        sa.select(DeliveryEvent).where(DeliveryEvent.delivery_id == delivery.id)
    ).all()
    assert [(e.from_status, e.to_status, e.actor_id) for e in events] == [
        (S.QUEUED, S.SENT, editor.id),
        (S.SENT, S.DELIVERED, editor.id),
    ]
    history = page_text(client.get(records_url(delivery)))
    assert history.count(editor.name) == 2 and "O. Petrenko" in history
    assert "Record the" not in history  # delivered: nothing more to record


def test_a_courier_delivery_cannot_be_recorded_delivered_before_its_dispatch(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.COURIER)
    answer = send(client, delivery, "delivery", {"day": today().isoformat(), "received_by": "Guard"})
    assert answer.status_code == 409
    assert "cannot take this record in its current state" in page_text(answer)
    db.session.refresh(delivery)
    assert delivery.status == S.QUEUED and delivery.received_by == "" and not delivery.events


def test_a_dispatch_dated_tomorrow_is_refused_and_nothing_is_stored(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.POST)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    answer = send(
        client, delivery, "dispatch", {"day": tomorrow, "carrier": "DHL"}, {"proof": (pdf_bytes(), "r.pdf")}
    )
    assert answer.status_code == 422
    assert "The date lies in the future." in page_text(answer)
    db.session.refresh(delivery)
    assert delivery.status == S.QUEUED and delivery.carrier == "" and not delivery.events
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeliveryProof)) == 0


def test_a_delivery_date_before_the_dispatch_is_refused(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.POST)
    send(client, delivery, "dispatch", {"day": today().isoformat(), "carrier": "DHL"})
    earlier = (today() - timedelta(days=3)).isoformat()
    answer = send(client, delivery, "delivery", {"day": earlier})
    assert answer.status_code == 422
    assert "before the letter was dispatched" in page_text(answer)
    db.session.refresh(delivery)
    assert delivery.status == S.SENT


def test_a_dispatch_without_carrier_or_date_names_both_fields(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.POST)
    answer = send(client, delivery, "dispatch", {"day": "someday", "carrier": " "})
    text = page_text(answer)
    assert answer.status_code == 422 and "Enter a date as YYYY-MM-DD." in text and "Required." in text


def test_a_planned_delivery_takes_no_record(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.POST, status=S.PLANNED)
    assert "Record the dispatch" not in page_text(client.get(records_url(delivery)))
    answer = send(client, delivery, "dispatch", {"day": today().isoformat(), "carrier": "DHL"})
    assert answer.status_code == 409
    db.session.refresh(delivery)
    assert delivery.status == S.PLANNED


def test_a_record_of_another_channel_is_refused(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.POST)
    answer = send(client, delivery, "portal", {"day": today().isoformat(), "reference": "X-1"})
    assert answer.status_code == 409
    assert "does not belong to this delivery's channel" in page_text(answer)


def test_a_fax_is_recorded_with_its_transmission_report(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.FAX)
    form = client.get(records_url(delivery)).get_data(as_text=True)
    assert 'value="+380 44 123 4567"' in form  # the registry's fax number, offered
    data = {"day": today().isoformat(), "fax_number": "+380 44 123 4567"}
    refused = send(client, delivery, "fax", data)
    assert refused.status_code == 422 and "Attach the transmission report." in page_text(refused)
    report = pdf_bytes()
    answer = send(client, delivery, "fax", data, {"proof": (report, "report.pdf")})
    assert answer.status_code == 302
    db.session.refresh(delivery)
    assert delivery.status == S.DELIVERED and delivery.destination == "+380 44 123 4567"
    [proof] = delivery.proofs
    assert proof.kind == ProofKind.TRANSMISSION_REPORT and proof.filename == "report.pdf"
    assert proof.sha256 in page_text(client.get(records_url(delivery)))


def test_a_hand_delivery_keeps_who_handed_it_to_whom_and_viewers_see_neither(
    app, client, auth, db, make_user
):
    auth.login("editor")
    delivery = make_delivery(Channel.HAND)
    data = {"day": today().isoformat(), "delivered_by": "Kim Mi-rae", "received_by": "Embassy reception"}
    assert send(client, delivery, "hand", data).status_code == 302
    page = page_text(client.get(records_url(delivery)))
    assert "Kim Mi-rae" in page and "Embassy reception" in page
    db.session.refresh(delivery)
    assert delivery.status == S.DELIVERED and "Kim Mi-rae" not in delivery.events[0].detail

    viewer = app.test_client()
    assert log_in(viewer, make_user(role="viewer").email, PASSWORD).status_code == 302
    page = page_text(viewer.get(records_url(delivery)))
    assert "Kim Mi-rae" not in page and "Embassy reception" not in page
    assert "shown to editors only" in page and "Upload" not in page


def test_a_viewer_cannot_enter_a_record(client, auth, db):
    auth.login("viewer")
    delivery = make_delivery(Channel.PORTAL)
    assert "Record the portal submission" not in page_text(client.get(records_url(delivery)))
    answer = send(client, delivery, "portal", {"day": today().isoformat(), "reference": "X-1"})
    assert answer.status_code == 403
    db.session.refresh(delivery)
    assert delivery.status == S.QUEUED and delivery.reference == ""


def test_a_portal_submission_keeps_the_portals_reference(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.PORTAL)
    answer = send(client, delivery, "portal", {"day": today().isoformat(), "reference": "PRES-2026-00042"})
    assert answer.status_code == 302
    db.session.refresh(delivery)
    assert delivery.status == S.DELIVERED and delivery.reference == "PRES-2026-00042"
    assert "PRES-2026-00042" in page_text(client.get(records_url(delivery)))


def test_a_delivery_through_a_partner_keeps_the_organization_and_its_confirmation(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.PARTNER)
    data = {
        "day": today().isoformat(),
        "partner_name": "Ukrainian Helsinki Group",
        "delivered_by": "O. Koval",
    }
    answer = send(client, delivery, "partner", data, {"proof": (pdf_bytes(), "confirmation.pdf")})
    assert answer.status_code == 302
    db.session.refresh(delivery)
    assert delivery.status == S.DELIVERED and delivery.partner_name == "Ukrainian Helsinki Group"
    assert [p.kind for p in delivery.proofs] == [ProofKind.PARTNER_RECORD]
    page = page_text(client.get(records_url(delivery)))
    assert "Ukrainian Helsinki Group" in page and "confirmation.pdf" in page


def test_a_refusal_reads_in_korean(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.POST)
    client.get(f"{records_url(delivery)}?lang=ko")
    tomorrow = (today() + timedelta(days=1)).isoformat()
    answer = send(client, delivery, "dispatch", {"day": tomorrow, "carrier": "DHL"})
    assert answer.status_code == 422
    assert "미래" in page_text(answer)
