"""A recipient's history: the letters addressed to it, its deliveries and its responses."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.deliveries.labels import CHANNEL_LABELS, DELIVERY_STATUS_LABELS  # noqa: F401 (used by views)
from app.deliveries.models import Delivery
from app.extensions import db
from app.letters.models import Letter, LetterRecipient
from app.responses.labels import CHANNEL_LABELS as RESPONSE_CHANNEL_LABELS  # noqa: F401 (used by views)
from app.responses.models import Response


def letters_addressed(recipient):
    """The letters that name this recipient among their addressees, newest first."""
    query = (
        sa.select(Letter)
        .join(LetterRecipient, LetterRecipient.letter_id == Letter.id)
        .where(LetterRecipient.recipient_id == recipient.id)
        .options(selectinload(Letter.campaign))
        .order_by(Letter.id.desc())
    )
    return list(db.session.scalars(query))


def deliveries(recipient):
    """Every delivery to this recipient, newest first, with its letter."""
    query = (
        sa.select(Delivery)
        .where(Delivery.recipient_id == recipient.id)
        .options(selectinload(Delivery.letter))
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
    )
    return list(db.session.scalars(query))


def responses(recipient):
    """Every response from this recipient, newest first, as (response, letter) pairs."""
    query = (
        sa.select(Response, Letter)
        .join(Letter, Letter.id == Response.letter_id)
        .where(Response.recipient_id == recipient.id)
        .order_by(Response.received_on.desc(), Response.id.desc())
    )
    return [tuple(row) for row in db.session.execute(query)]


def recipient_history(recipient):
    return {
        "letters": letters_addressed(recipient),
        "deliveries": deliveries(recipient),
        "responses": responses(recipient),
    }
