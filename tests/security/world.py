"""One campaign with everything a page can show: a letter, a signatory, a recipient, a reply, a proof."""

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from app.deliveries.models import Channel, Delivery, DeliveryStatus, ProofKind
from app.deliveries.proofs import check_proof, store_proof
from app.extensions import db
from app.letters.models import LetterStatus
from app.letters.services import freeze_version
from app.models import Display, SignatoryKind, SignatureStatus
from app.responses.models import Response, ResponseChannel, ResponseClassification, StatusEvent, StatusKind
from tests.deliveries.records_support import pdf_bytes
from tests.factories import (
    CampaignFactory,
    LetterFactory,
    RecipientFactory,
    SignatoryFactory,
    SignatureFactory,
)


@dataclass
class World:
    campaign: object
    letter: object
    signatory: object
    signature: object
    recipient: object
    delivery: object
    response: object
    event: object


def _of(values, model):
    """The values given for one model: {"signatory.name_en": x} -> {"name_en": x} for "signatory"."""
    return {key.split(".", 1)[1]: value for key, value in values.items() if key.split(".", 1)[0] == model}


def build_world(values):
    """Every row a page shows, committed, with `values` ("model.column": text) stored as given.

    Stored straight into the rows, past the input checks: what an import, the API or an older
    version may have let in must still be shown safely.
    """
    campaign = CampaignFactory(**_of(values, "campaign"))
    letter = LetterFactory(campaign=campaign, status=LetterStatus.OPEN, **_of(values, "letter"))
    freeze_version(letter)
    db.session.commit()
    signatory = SignatoryFactory(
        kind=SignatoryKind.ORGANIZATION,
        display=Display.FULL,
        **{"name_en": "Families Association", **_of(values, "signatory")},
    )
    signature = SignatureFactory(
        signatory=signatory,
        letter_id=letter.id,
        version_id=letter.current_version.id,
        status=SignatureStatus.APPROVED,
    )
    recipient = RecipientFactory(emails=["desk@ministry.example"], **_of(values, "recipient"))
    sent_at = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)
    delivery = Delivery(
        letter=letter,
        recipient=recipient,
        channel=Channel.EMAIL,
        status=DeliveryStatus.DELIVERED,
        sent_at=sent_at,
        delivered_at=sent_at,
        reply_token=secrets.token_hex(16),
        **_of(values, "delivery"),
    )
    db.session.add(delivery)
    db.session.flush()
    response = Response(
        letter_id=letter.id,
        recipient_id=recipient.id,
        delivery_id=delivery.id,
        channel=ResponseChannel.EMAIL,
        classification=ResponseClassification.SUBSTANTIVE,
        received_on=date(2025, 11, 20),
        is_public=True,
        **{"summary_en": "Received.", **_of(values, "response")},
    )
    db.session.add(response)
    db.session.flush()
    event = StatusEvent(
        campaign_id=campaign.id,
        letter_id=letter.id,
        response_id=response.id,
        kind=StatusKind.RESPONDED,
        occurred_on=date(2025, 11, 20),
        is_public=True,
        **_of(values, "event"),
    )
    db.session.add(event)
    if "proof.note" in values:
        store_proof(
            delivery, check_proof(pdf_bytes(), "receipt.pdf"), ProofKind.RECEIPT, None, values["proof.note"]
        )
    db.session.commit()
    return World(campaign, letter, signatory, signature, recipient, delivery, response, event)
