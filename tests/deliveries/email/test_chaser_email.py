"""An approved chaser goes out as a delivery of its own: its follow-up text as cover, the original's PDF."""

from datetime import timedelta

import pytest

from app.core.timeutil import utcnow
from app.deliveries.models import Delivery, DeliveryStatus
from app.deliveries.tasks import send_delivery
from app.extensions import db as _db
from app.timeline.chasers import prepare_chasers
from tests.deliveries.email.conftest import delivery_row, make_delivery
from tests.helpers import csrf_token, page_text
from tests.mail.conftest import outbox

pytestmark = pytest.mark.committed


@pytest.fixture(autouse=True)
def outbox_backend(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "outbox")


def _overdue_original():
    original = make_delivery("ko")
    send_delivery(original.id)
    original = _db.session.get(Delivery, original.id)
    _db.session.refresh(original)
    original.sent_at = utcnow() - timedelta(weeks=6)
    _db.session.commit()
    return original


def test_an_approved_chaser_is_sent_with_its_text_and_the_originals_pdf(client, auth):
    original = _overdue_original()
    (chaser,) = prepare_chasers()
    _db.session.commit()
    chaser_id, document_id = chaser.id, original.document_id
    assert chaser.document_id == document_id

    auth.login("editor")
    token = csrf_token(client, f"/staff/deliveries/{original.id}")
    response = client.post(f"/staff/chasers/{chaser_id}/approve", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/deliveries/{chaser_id}")
    page = page_text(client.get(response.headers["Location"]))
    assert "The chaser was approved and is on its way." in page
    assert f"A chaser of Delivery {original.id}" in page

    row = delivery_row(chaser_id)
    assert row.status == DeliveryStatus.SENT
    assert row.document_id == document_id
    assert row.document_sha256 == delivery_row(original.id).document_sha256
    first, second = outbox()
    assert second.to == "embassy@ukraine.example"
    assert second.headers["Message-ID"] == row.message_id != first.headers["Message-ID"]
    assert second.subject.startswith("재요청: 송환하지 마십시오")
    assert "주한 우크라이나 대사 귀하" in second.body_text
    assert delivery_row(original.id).message_id in second.body_text
    assert "Dear" not in second.body_text
    assert second.attachment_document_id == document_id == first.attachment_document_id
    assert prepare_chasers() == []  # the chaser just went out: the gap starts again


def test_approving_twice_sends_once(client, auth):
    original = _overdue_original()
    (chaser,) = prepare_chasers()
    _db.session.commit()
    chaser_id = chaser.id
    auth.login("editor")
    token = csrf_token(client, f"/staff/deliveries/{original.id}")
    assert client.post(f"/staff/chasers/{chaser_id}/approve", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/staff/chasers/{chaser_id}/approve", data={"csrf_token": token}).status_code == 404
    assert len(outbox()) == 2
