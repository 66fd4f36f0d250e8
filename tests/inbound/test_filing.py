"""Filing stored messages: to the delivery they answer, with the reason, or into the holding pen."""

import hashlib
from datetime import timedelta

import sqlalchemy as sa

from app.core.timeutil import utcnow
from app.deliveries.models import DeliveryStatus
from app.extensions import db
from app.inbound.models import InboundMessage, InboundStatus
from app.inbound.tasks import file_inbound, sweep_inbound
from app.responses.models import Response, ResponseClassification
from tests.inbound.conftest import reply_to, store
from tests.inbound.mime import encoded_word, file_part, message, text_part

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def filed(raw):
    inbound = store(raw)
    file_inbound(inbound.id)
    db.session.expire_all()
    return db.session.get(InboundMessage, inbound.id)


def responses():
    return db.session.scalars(sa.select(Response)).all()


def test_euc_kr_reply_with_korean_pdf_name_is_filed_by_plus_address(sent, upload_folder):
    raw = message(
        [
            text_part("귀하의 청원을 접수하였습니다.", "euc-kr"),
            file_part(PDF, f'"{encoded_word("회신문.pdf", "euc-kr")}"'),
        ],
        To=reply_to(sent),
        Subject=encoded_word("회신: 청원", "euc-kr"),
    )
    inbound = filed(raw)
    assert inbound.status == InboundStatus.FILED
    assert inbound.delivery_id == sent.id
    assert "To " in inbound.reason and "reply address of delivery" in inbound.reason
    [response] = responses()
    assert (response.delivery_id, response.recipient_id, str(response.channel)) == (
        sent.id,
        sent.recipient_id,
        "email",
    )
    assert response.text == "귀하의 청원을 접수하였습니다."
    pdf, eml = response.attachments
    assert (pdf.filename, pdf.content_type, pdf.sha256) == (
        "회신문.pdf",
        "application/pdf",
        hashlib.sha256(PDF).hexdigest(),
    )
    assert (upload_folder / "responses" / pdf.storage_path).read_bytes() == PDF
    assert (eml.filename, eml.content_type) == ("회신_ 청원.eml", "message/rfc822")
    assert (upload_folder / "responses" / eml.storage_path).read_bytes() == raw == inbound.raw
    assert (response.subject, response.sender, response.summary_ko) == (
        "회신: 청원",
        "desk@mofa.go.kr",
        "회신: 청원",
    )
    assert response.classification == ResponseClassification.SUBSTANTIVE


def test_ks_c_5601_reply_is_filed_with_its_text_intact(sent):
    text = "똠방각하께 드리는 회신: 펲"
    inbound = filed(message(body=text_part(text, "ks_c_5601-1987", "cp949"), To=reply_to(sent)))
    assert inbound.status == InboundStatus.FILED
    assert responses()[0].text == text


def test_forged_plus_address_is_held(sent):
    forged = reply_to(sent)[:-25] + "0000000000000000@undersigned.local"
    inbound = filed(message(body="hello", To=forged, In_Reply_To=sent.message_id))
    assert inbound.status == InboundStatus.HELD
    assert inbound.delivery_id is None
    assert "code is wrong" in inbound.reason
    assert responses() == []


def test_reply_is_filed_by_in_reply_to(sent):
    inbound = filed(message(body="answer", In_Reply_To=sent.message_id))
    assert inbound.status == InboundStatus.FILED
    assert inbound.delivery_id == sent.id
    assert inbound.reason.startswith("In-Reply-To")


def test_reply_is_filed_by_references(sent, make_sent):
    other = make_sent()
    inbound = filed(message(body="answer", References=f"<x@elsewhere> {other.message_id}"))
    assert (inbound.delivery_id, inbound.reason.split()[0]) == (other.id, "References")


def test_reply_is_filed_by_subject_tag(sent):
    inbound = filed(
        message(body="answer", Subject=f"Re: [UNDERSIGNED-{sent.reply_token[:10].upper()}] letter")
    )
    assert inbound.delivery_id == sent.id
    assert "subject tag" in inbound.reason


def test_unmatched_reply_is_held_with_why(sent):
    inbound = filed(message(body="who are you", Subject="Hello"))
    assert inbound.status == InboundStatus.HELD
    assert "no reply address" in inbound.reason


def test_auto_reply_is_filed_as_automatic_not_as_an_answer(sent):
    inbound = filed(message(body="I am away", To=reply_to(sent), Auto_Submitted="auto-replied"))
    assert (inbound.status, inbound.kind) == (InboundStatus.FILED, "auto_reply")
    assert "Auto-Submitted" in inbound.reason
    assert responses()[0].classification == ResponseClassification.AUTOMATIC_REPLY


def test_same_message_is_filed_once_when_the_task_runs_twice(sent):
    inbound = store(message(body="answer", To=reply_to(sent)))
    file_inbound(inbound.id)
    file_inbound(inbound.id)
    assert len(responses()) == 1


def dsn(action, envelope_id="", original_id="", diagnostic=""):
    status = (
        f"Reporting-MTA: dns; mx.mofa.go.kr\r\nOriginal-Envelope-Id: {envelope_id}\r\n\r\n"
        f"Final-Recipient: rfc822; desk@mofa.go.kr\r\nAction: {action}\r\nStatus: 5.1.1\r\n"
        f"Diagnostic-Code: {diagnostic}\r\n"
    )
    parts = [
        "Content-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n",
        f"Content-Type: message/delivery-status\r\n\r\n{status}",
        f"Content-Type: text/rfc822-headers\r\n\r\nMessage-ID: {original_id}\r\nSubject: letter\r\n",
    ]
    return message(
        parts,
        multipart="report; report-type=delivery-status",
        From="MAILER-DAEMON@mofa.go.kr",
        Subject="Delivery Status Notification",
    )


def test_dsn_delivered_marks_the_delivery_delivered(sent):
    inbound = filed(dsn("delivered", envelope_id=sent.reply_token))
    assert (inbound.status, inbound.kind) == (InboundStatus.FILED, "dsn_delivered")
    assert sent.status == DeliveryStatus.DELIVERED
    assert sent.events[-1].to_status == DeliveryStatus.DELIVERED
    assert responses() == []


def test_dsn_failed_bounces_the_delivery_with_the_diagnostic(sent):
    diagnostic = "smtp; 550 5.1.1 <desk@mofa.go.kr>: Recipient address rejected"
    inbound = filed(dsn("failed", original_id=sent.message_id, diagnostic=diagnostic))
    assert inbound.kind == "dsn_failed"
    assert sent.status == DeliveryStatus.BOUNCED
    assert sent.last_error == diagnostic
    assert diagnostic in sent.events[-1].detail


def test_sweep_files_messages_whose_task_was_lost_and_leaves_fresh_ones(sent):
    lost = store(message(body="answer one", To=reply_to(sent)))
    lost.received_at = utcnow() - timedelta(minutes=30)
    fresh = store(message(body="answer two", To=reply_to(sent)))
    db.session.commit()
    sweep_inbound()
    db.session.expire_all()
    assert db.session.get(InboundMessage, lost.id).status == InboundStatus.FILED
    assert db.session.get(InboundMessage, fresh.id).status == InboundStatus.RECEIVED


def test_held_message_is_not_filed_again_by_the_task(sent):
    inbound = filed(message(body="who", Subject="Hello"))
    inbound.reason = "kept"
    db.session.commit()
    file_inbound(inbound.id)
    db.session.expire_all()
    assert db.session.get(InboundMessage, inbound.id).reason == "kept"
