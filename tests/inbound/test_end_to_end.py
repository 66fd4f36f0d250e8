"""A delivery and its answers, end to end: sent by a real worker to a loopback SMTP server, the replies
read by the same worker from a real Dovecot mailbox, filed, and the answer on the public timeline."""

import time

import pytest
import sqlalchemy as sa

from app.auth.services import issue_token
from app.deliveries.models import DeliveryStatus
from app.extensions import db
from app.inbound.models import InboundMessage, InboundStatus
from app.responses.models import Response, StatusEvent, StatusKind
from tests.conftest import AMQP_URL
from tests.deliveries.email.conftest import Inbox, delivery_row, make_delivery, stack, wait_for_delivery
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, log_in, page_text, time_limit
from tests.inbound.messages import korean_reply_with_pdf

pytestmark = [pytest.mark.committed, pytest.mark.slow]

_SENT_TO = b"To: replies+abc123-def456@undersigned.test"
_MESSAGE_ID = b"Message-ID: <20261201.0901.mofa@mofa.example.kr>"


def reply(to, message_id):
    """The Korean government's reply (EUC-KR, a PDF with a Korean name) sent to `to`."""
    raw = korean_reply_with_pdf()
    assert _SENT_TO in raw and _MESSAGE_ID in raw
    return raw.replace(_SENT_TO, f"To: {to}".encode()).replace(
        _MESSAGE_ID, f"Message-ID: {message_id}".encode()
    )


def forged(reply_to):
    """The reply address with its code changed: someone guessing at addresses."""
    local, _at, domain = reply_to.rpartition("@")
    token, _dash, mac = local.rpartition("-")
    return f"{token}-{'0' if mac[0] != '0' else '1'}{mac[1:]}@{domain}"


def delivered_dsn(envelope_id):
    status = (
        f"Reporting-MTA: dns; mx.ukraine.example\r\nOriginal-Envelope-Id: {envelope_id}\r\n\r\n"
        "Final-Recipient: rfc822; embassy@ukraine.example\r\nAction: delivered\r\nStatus: 2.0.0\r\n"
    )
    return (
        "From: MAILER-DAEMON@mx.ukraine.example\r\nTo: coalition@coalition.example\r\n"
        "Subject: Delivery Status Notification (Success)\r\nMessage-ID: <dsn-1@mx.ukraine.example>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="=-dsn"\r\n\r\n'
        "--=-dsn\r\nContent-Type: text/plain\r\n\r\nYour message was delivered.\r\n"
        f"--=-dsn\r\nContent-Type: message/delivery-status\r\n\r\n{status}\r\n"
        "--=-dsn--\r\n"
    ).encode("ascii")


def append(dovecot, mailbox, *messages):
    client = dovecot.client()
    try:
        for raw in messages:
            status, detail = client.append(mailbox, None, None, raw)
            assert status == "OK", detail
    finally:
        client.logout()


def wait_until_read(count, timeout=60):
    """Until `count` messages are stored and none waits to be filed; the rows."""
    query = sa.select(InboundMessage).order_by(InboundMessage.id)
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()  # read afresh what the worker committed
        rows = db.session.scalars(query).all()
        if len(rows) >= count and all(row.status != InboundStatus.RECEIVED for row in rows):
            return rows
        assert time.monotonic() < deadline, f"after {timeout} s: {[(r.id, r.status) for r in rows]}"
        time.sleep(0.3)


def accept_on_the_timeline_page(client, letter_id, event_id):
    page = f"/staff/letters/{letter_id}/timeline"
    answer = client.post(f"{page}/{event_id}/accept", data={"csrf_token": csrf_token(client, page)})
    assert answer.status_code == 302, answer.get_data(as_text=True)


def test_a_reply_in_the_mailbox_becomes_a_response_and_once_accepted_a_public_event(
    database_url, dovecot, mailbox, tmp_path
):
    handler = Inbox()
    with time_limit(240), stack(database_url, AMQP_URL, handler, tmp_path) as s:
        delivery = make_delivery("en")
        letter_id, slug = delivery.letter_id, delivery.letter.campaign.slug
        s.start_worker(INBOUND_IMAP_URL=dovecot.url(mailbox))
        s.send(delivery.id)
        ((_rcpts, sent),) = handler.wait_for(1, timeout=60)
        row = wait_for_delivery(delivery.id, {DeliveryStatus.SENT})
        reply_to = sent["Reply-To"]

        append(
            dovecot,
            mailbox,
            reply(reply_to, "<answer-1@mofa.example.kr>"),
            reply(forged(reply_to), "<answer-2@mofa.example.kr>"),
            delivered_dsn(row.reply_token),
        )
        s.app.extensions["celery"].send_task("inbound.poll", queue="default")
        answer, held, report = wait_until_read(3)

        assert (answer.status, answer.delivery_id, answer.kind) == (InboundStatus.FILED, delivery.id, "reply")
        assert "reply address of delivery" in answer.reason
        assert (held.status, held.delivery_id) == (InboundStatus.HELD, None)
        assert (report.status, report.kind) == (InboundStatus.FILED, "dsn_delivered")
        assert delivery_row(delivery.id).status == DeliveryStatus.DELIVERED
        [response] = db.session.scalars(sa.select(Response)).all()
        assert response.delivery_id == delivery.id
        assert "헌법상 대한민국 국민으로 간주됩니다." in response.text
        assert [a.filename for a in response.attachments][0] == "답변서_외교부.pdf"

        editor = UserFactory(role="editor")
        token = issue_token(editor)
        db.session.commit()
        client = s.app.test_client()
        bearer = {"Authorization": f"Bearer {token}"}
        shown = client.get(f"/api/v1/deliveries/{delivery.id}", headers=bearer)
        assert shown.status_code == 200
        assert [r["id"] for r in shown.get_json()["responses"]] == [response.id]

        [proposed] = db.session.scalars(
            sa.select(StatusEvent).where(StatusEvent.kind == StatusKind.RESPONDED)
        ).all()
        assert (proposed.is_proposed, proposed.is_public) == (True, False)
        assert (proposed.delivery_id, proposed.response_id) == (delivery.id, response.id)
        public = client.get(f"/api/v1/letters/{letter_id}/timeline").get_json()
        assert "responded" not in [e["kind"] for e in public["events"]]

        assert log_in(client, editor.email, PASSWORD).status_code == 302
        pen = page_text(client.get("/staff/inbound?lang=en"))
        assert "No message is waiting." not in pen
        assert held.reason in pen and "Re: 억류자 가족 공개서한에 대한 답변" in pen
        accept_on_the_timeline_page(client, letter_id, proposed.id)

        public = client.get(f"/api/v1/letters/{letter_id}/timeline").get_json()
        assert [(e["id"], e["kind"]) for e in public["events"]] == [(proposed.id, "responded")]
        campaign = page_text(client.get(f"/c/{slug}?lang=en"))
        assert "December 1, 2026 Responded" in campaign, campaign
