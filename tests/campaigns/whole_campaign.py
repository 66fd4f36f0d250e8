"""The demo campaign with one of everything a campaign holds, for the transfer and backup tests."""

import hashlib
import io
import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from PIL import Image

from app.core.timeutil import utcnow
from app.deliveries.models import Channel, Delivery, DeliveryEvent, DeliveryProof, DeliveryStatus, ProofKind
from app.demo.loader import load_demo
from app.documents.models import Document
from app.extensions import db
from app.inbound import storage as inbound_storage
from app.inbound.models import InboundMessage, InboundStatus
from app.models import Display, Signatory, SignatoryKind, Signature, SignatureStatus
from app.responses.models import (
    Response,
    ResponseAttachment,
    ResponseChannel,
    ResponseClassification,
    StatusEvent,
    StatusKind,
)
from app.signatures.logos import check_logo, save_logo
from app.signatures.normalize import email_key
from app.signatures.privacy import erase_person
from tests.deliveries.records_support import pdf_bytes

#: The person who signs and then asks to be erased.
ERASED_NAME = "Erin Quillfeather"
ERASED_EMAIL = "erin.quillfeather@example.org"
#: The demo organization that is given a logo, and the signer shown by initials.
LOGO_ORGANIZATION = "Transitional Justice Working Group (TJWG)"
#: The demo signer who asks to be shown by initials.
INITIALS_SIGNER = "Kim Kyu Li and Kim Hyuk"


def _png():
    out = io.BytesIO()
    Image.new("RGB", (60, 30), (20, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def _signatory(name_en):
    return db.session.scalar(sa.select(Signatory).where(Signatory.name_en == name_en))


def _sign(letter, name, email):
    signatory = Signatory(
        kind=SignatoryKind.INDIVIDUAL, name_en=name, email=email, email_key=email_key(email)
    )
    signatory.has_consented, signatory.display = True, Display.FULL
    now = utcnow()
    signature = Signature(
        signatory=signatory,
        letter_id=letter.id,
        version_id=letter.current_version.id,
        status=SignatureStatus.APPROVED,
        email_key=email_key(email),
        confirmed_at=now,
        approved_at=now,
    )
    db.session.add(signature)
    db.session.commit()
    return signatory


def build(client):
    """Load the demo and add a logo, a display choice, a delivered PDF with its history and proof,
    a filed reply with an attachment, a timeline event, and a signer who was erased. Committed."""
    campaign, _created = load_demo()
    db.session.commit()
    [letter] = campaign.letters
    organization = _signatory(LOGO_ORGANIZATION)
    organization.logo_path = save_logo(check_logo(_png()))
    _signatory(INITIALS_SIGNER).display = Display.INITIALS
    db.session.commit()

    pdf = client.get(f"/letters/{letter.id}/en.pdf")
    assert pdf.status_code == 200, pdf.status_code
    document = db.session.scalar(sa.select(Document).where(Document.letter_id == letter.id))
    recipient = letter.recipient_links[0].recipient
    sent_at = utcnow() - timedelta(days=3)
    delivery = Delivery(
        letter=letter,
        version_id=letter.current_version.id,
        recipient=recipient,
        document_id=document.id,
        document_sha256=document.sha256,
        channel=Channel.POST,
        status=DeliveryStatus.DELIVERED,
        reply_token=secrets.token_hex(16),
        sent_at=sent_at,
        delivered_at=sent_at,
    )
    db.session.add(delivery)
    db.session.flush()
    db.session.add(
        DeliveryEvent(delivery_id=delivery.id, to_status=DeliveryStatus.DELIVERED, detail="by post")
    )
    proof = pdf_bytes()
    proof_name = f"{secrets.token_hex(16)}.pdf"
    proof_folder = inbound_storage.folder().parent / "proofs"
    proof_folder.mkdir(parents=True, exist_ok=True)
    (proof_folder / proof_name).write_bytes(proof)
    db.session.add(
        DeliveryProof(
            delivery_id=delivery.id,
            kind=ProofKind.RECEIPT,
            filename="receipt.pdf",
            content_type="application/pdf",
            size=len(proof),
            sha256=hashlib.sha256(proof).hexdigest(),
            path=proof_name,
        )
    )
    response = Response(
        letter=letter,
        recipient_id=recipient.id,
        delivery_id=delivery.id,
        channel=ResponseChannel.EMAIL,
        classification=ResponseClassification.ACKNOWLEDGEMENT,
        received_on=date(2025, 4, 2),
        subject="Re: your letter",
        summary_en="The ministry acknowledged the letter.",
        text="We have received your letter.",
        is_public=True,
    )
    db.session.add(response)
    db.session.flush()
    attachment = pdf_bytes()
    name, digest = inbound_storage.store_file(attachment, ".pdf")
    db.session.add(
        ResponseAttachment(
            response_id=response.id,
            filename="acknowledgement.pdf",
            content_type="application/pdf",
            size=len(attachment),
            sha256=digest,
            storage_path=name,
        )
    )
    raw = b"From: ministry@example.ua\r\nSubject: Re: your letter\r\n\r\nWe have received your letter.\r\n"
    db.session.add(
        InboundMessage(
            message_id="<ack-1@example.ua>",
            sha256=hashlib.sha256(raw).hexdigest(),
            raw=raw,
            size=len(raw),
            status=InboundStatus.FILED,
            sender="ministry@example.ua",
            subject="Re: your letter",
            delivery_id=delivery.id,
            response_id=response.id,
            filed_at=utcnow(),
        )
    )
    db.session.add(
        StatusEvent(
            campaign_id=campaign.id,
            letter_id=letter.id,
            response_id=response.id,
            kind=StatusKind.ACKNOWLEDGED,
            occurred_on=date(2025, 4, 2),
            title_en="The ministry acknowledged the letter",
            title_ko="부처가 서한 접수를 확인했습니다",
            is_public=True,
        )
    )
    db.session.commit()

    erased = _sign(letter, ERASED_NAME, ERASED_EMAIL)
    page = client.get(f"/c/{campaign.slug}").get_data(as_text=True)
    assert ERASED_NAME in page and INITIALS_SIGNER not in page
    assert client.get(f"/letters/{letter.id}/en.pdf").status_code == 200  # a PDF that lists them
    erase_person([erased], actor=None)
    db.session.commit()
    return campaign.slug, letter.id, document.token
