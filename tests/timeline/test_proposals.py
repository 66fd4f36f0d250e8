"""Deliveries and responses propose events; staff accept or edit a proposal in one click."""

import io
import re
from datetime import date

import sqlalchemy as sa

from app.deliveries.models import DeliveryStatus
from app.extensions import db
from app.responses.models import Response, ResponseChannel, StatusEvent, StatusKind
from app.timeline.services import propose_event
from tests.helpers import page_text
from tests.timeline.conftest import make_delivery

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _events(letter):
    return db.session.scalars(sa.select(StatusEvent).where(StatusEvent.letter_id == letter.id)).all()


def _token(client, letter):
    page = client.get(f"/staff/letters/{letter.id}/timeline").get_data(as_text=True)
    return _CSRF.search(page).group(1)


def test_a_delivery_that_becomes_delivered_proposes_one_private_event(app, letter, ministry):
    delivery = make_delivery(letter, ministry, date(2025, 3, 11))
    assert _events(letter) == []
    delivery.delivered_at = delivery.sent_at
    delivery.move_to(DeliveryStatus.DELIVERED)
    db.session.commit()
    [event] = _events(letter)
    assert (event.kind, event.delivery_id, event.occurred_on) == (
        StatusKind.DELIVERED,
        delivery.id,
        date(2025, 3, 11),
    )
    assert event.is_proposed and not event.is_public
    delivery.move_to(DeliveryStatus.BOUNCED)
    db.session.commit()
    assert len(_events(letter)) == 1


def test_propose_event_gives_no_duplicate_for_the_same_response_and_kind(app, letter, ministry):
    response = Response(
        letter_id=letter.id,
        recipient_id=ministry.id,
        channel=ResponseChannel.EMAIL,
        received_on=date(2025, 4, 2),
    )
    db.session.add(response)
    db.session.flush()
    first = propose_event(letter, "registered", date(2025, 4, 2), response=response, reference="2025-1234")
    again = propose_event(letter, "registered", date(2025, 4, 2), response=response, reference="2025-1234")
    other = propose_event(letter, "responded", date(2025, 4, 2), response=response)
    assert first.id == again.id != other.id
    assert first.reference == "2025-1234" and first.is_proposed


def test_staff_accept_a_proposal_in_one_click(auth, client, letter, ministry):
    make_delivery(letter, ministry, date(2025, 3, 11), status=DeliveryStatus.DELIVERED)
    [event] = _events(letter)
    auth.login("editor")
    assert "proposed" in page_text(client.get(f"/staff/letters/{letter.id}/timeline?lang=en"))
    response = client.post(
        f"/staff/letters/{letter.id}/timeline/{event.id}/accept", data={"csrf_token": _token(client, letter)}
    )
    assert response.status_code == 302
    db.session.refresh(event)
    assert not event.is_proposed and event.is_public


def test_staff_edit_and_accept_a_proposal_in_one_form(auth, client, letter, ministry):
    event = propose_event(letter, "registered", date(2025, 4, 2), reference="12")
    db.session.commit()
    auth.login("editor")
    prefix = f"e{event.id}-"
    response = client.post(
        f"/staff/letters/{letter.id}/timeline/{event.id}",
        data={
            "csrf_token": _token(client, letter),
            prefix + "kind": "registered",
            prefix + "occurred_on": "2025-04-03",
            prefix + "reference": "2025-1234",
            prefix + "description_en": "Registered by the ministry.",
            prefix + "description_ko": "외교부에 등록되었습니다.",
            prefix + "is_public": "y",
            prefix + "accept": "Accept",
        },
    )
    assert response.status_code == 302
    db.session.refresh(event)
    assert (event.occurred_on, event.reference, event.is_proposed, event.is_public) == (
        date(2025, 4, 3),
        "2025-1234",
        False,
        True,
    )


def test_a_post_without_its_csrf_token_changes_nothing(auth, client, letter):
    event = propose_event(letter, "received", date(2025, 4, 2))
    db.session.commit()
    auth.login("editor")
    response = client.post(f"/staff/letters/{letter.id}/timeline/{event.id}/accept", data={})
    assert response.status_code == 400
    db.session.refresh(event)
    assert event.is_proposed


def test_a_viewer_cannot_add_events(auth, client, letter):
    auth.login("viewer")
    token = _token(client, letter)
    response = client.post(
        f"/staff/letters/{letter.id}/timeline",
        data={"csrf_token": token, "new-kind": "closed", "new-occurred_on": "2025-05-01"},
    )
    assert response.status_code == 403
    assert _events(letter) == []


def test_an_editor_adds_an_event(auth, client, letter):
    auth.login("editor")
    response = client.post(
        f"/staff/letters/{letter.id}/timeline",
        data={
            "csrf_token": _token(client, letter),
            "new-kind": "under_consideration",
            "new-occurred_on": "2025-05-01",
            "new-description_en": "The ministry is considering it.",
            "new-is_public": "y",
        },
    )
    assert response.status_code == 302
    [event] = _events(letter)
    assert (event.kind, event.is_public, event.is_proposed) == (StatusKind.UNDER_CONSIDERATION, True, False)


def _png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_an_uploaded_receipt_is_kept_as_evidence_for_staff_only(
    app, auth, client, letter, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    auth.login("editor")
    response = client.post(
        f"/staff/letters/{letter.id}/timeline",
        data={
            "csrf_token": _token(client, letter),
            "new-kind": "received",
            "new-occurred_on": "2025-03-12",
            "new-evidence": (io.BytesIO(_png()), "../../stamped receipt.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    [event] = _events(letter)
    assert event.evidence_filename == "stamped receipt.png"
    assert list((tmp_path / "timeline").iterdir()) == [tmp_path / "timeline" / event.evidence_path]
    download = client.get(f"/staff/letters/{letter.id}/timeline/{event.id}/evidence")
    assert download.status_code == 200 and download.data.startswith(b"\x89PNG")
    assert download.mimetype == "image/png"
    client.post("/logout", data={"csrf_token": _token(client, letter)})
    assert client.get(f"/staff/letters/{letter.id}/timeline/{event.id}/evidence").status_code in (
        302,
        401,
        403,
    )


def test_an_upload_that_is_not_a_pdf_or_an_image_is_refused(app, auth, client, letter, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    auth.login("editor")
    response = client.post(
        f"/staff/letters/{letter.id}/timeline",
        data={
            "csrf_token": _token(client, letter),
            "new-kind": "received",
            "new-occurred_on": "2025-03-12",
            "new-evidence": (io.BytesIO(b"<script>alert(1)</script>"), "receipt.html"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Only PDF, JPEG and PNG files are accepted." in page_text(response)
    assert _events(letter) == []
