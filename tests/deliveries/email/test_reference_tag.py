"""A delivery's subject carries its reference tag, and a reply that kept only the tag finds it."""

import pytest

from app.deliveries.tasks import send_delivery
from app.extensions import db
from app.inbound.matching import reference_tag
from app.inbound.models import InboundMessage, InboundStatus
from app.inbound.tasks import file_inbound
from tests.deliveries.email.conftest import Inbox, delivery_row, make_delivery, smtp_server
from tests.inbound.conftest import store
from tests.inbound.mime import message
from tests.mail.conftest import send_to

pytestmark = pytest.mark.committed


@pytest.fixture
def inbox(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    handler = Inbox()
    with smtp_server(handler) as port:
        send_to(app, monkeypatch, port)
        yield handler


def test_a_reply_with_only_the_subject_tag_is_filed_to_the_delivery(inbox):
    delivery = make_delivery("en")
    send_delivery(delivery.id)
    ((_rcpts, sent),) = inbox.wait_for(1, timeout=10)
    tag = reference_tag(delivery_row(delivery.id))
    assert sent["Subject"].endswith(f" {tag}")

    # Forwarded by hand from another address: no reply address, no In-Reply-To, no References.
    reply = message(body="We received your letter.", To="desk@elsewhere.example", Subject=f"Fwd: Re: {tag}")
    inbound = store(reply)
    file_inbound(inbound.id)
    db.session.expire_all()
    inbound = db.session.get(InboundMessage, inbound.id)
    assert (inbound.status, inbound.delivery_id) == (InboundStatus.FILED, delivery.id)
    assert f"subject tag {tag}" in inbound.reason
    assert inbound.response.text == "We received your letter."
