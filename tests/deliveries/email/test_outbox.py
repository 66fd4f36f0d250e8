"""On the embedded default (MAIL_BACKEND=outbox) a delivery goes to the local outbox, its PDF with it."""

import re

import pytest

from app.deliveries.models import DeliveryStatus
from app.deliveries.tasks import send_delivery
from app.documents.verify import AUTHENTIC, verify_pdf
from tests.deliveries.email.conftest import delivery_row, make_delivery
from tests.helpers import page_text
from tests.mail.conftest import outbox

pytestmark = pytest.mark.committed


@pytest.fixture(autouse=True)
def outbox_backend(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "outbox")


def test_the_outbox_keeps_the_message_with_its_pdf_and_the_delivery_is_sent(client, auth):
    delivery = make_delivery("en")
    send_delivery(delivery.id)
    send_delivery(delivery.id)

    (message,) = outbox()
    row = delivery_row(delivery.id)
    assert row.status == DeliveryStatus.SENT and row.attempts == 1
    assert f"message {message.id}" in row.server_reply
    assert message.to == "embassy@ukraine.example"
    assert message.headers["Message-ID"] == row.message_id
    assert message.headers["Reply-To"].startswith("replies+")

    auth.login("admin")
    assert "PDF attached" in page_text(client.get("/staff/outbox/"))
    page = client.get(f"/staff/outbox/{message.id}")
    assert "Dear Ambassador of Ukraine," in page_text(page)
    link = re.search(r'href="(/staff/outbox/\d+/attachment\.pdf)"', page.get_data(as_text=True)).group(1)
    assert message.attachment_filename in page_text(page)

    download = client.get(link)
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert verify_pdf(download.data).status == AUTHENTIC
    assert verify_pdf(download.data).sha256 == row.document_sha256


def test_the_attachment_is_for_staff_only(client, auth):
    delivery = make_delivery("en")
    send_delivery(delivery.id)
    (message,) = outbox()
    assert client.get(f"/staff/outbox/{message.id}/attachment.pdf").status_code in (302, 401, 403)
    auth.login("editor")
    assert client.get(f"/staff/outbox/{message.id}/attachment.pdf").status_code == 403
