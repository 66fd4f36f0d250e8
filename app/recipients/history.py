"""A recipient's history: the letters addressed to it, its deliveries and its responses."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.permissions import visible_to
from app.deliveries.labels import CHANNEL_LABELS, DELIVERY_STATUS_LABELS  # noqa: F401 (used by views)
from app.deliveries.models import Delivery
from app.extensions import db
from app.letters.models import Letter, LetterRecipient
from app.responses.labels import CHANNEL_LABELS as RESPONSE_CHANNEL_LABELS  # noqa: F401 (used by views)
from app.responses.models import Response

#: No restriction: every campaign.
ALL = sa.true()


def letters_addressed(recipient, visible=ALL):
    """The letters that name this recipient among their addressees, newest first."""
    query = (
        sa.select(Letter)
        .join(LetterRecipient, LetterRecipient.letter_id == Letter.id)
        .where(LetterRecipient.recipient_id == recipient.id, visible)
        .options(selectinload(Letter.campaign))
        .order_by(Letter.id.desc())
    )
    return list(db.session.scalars(query))


def deliveries(recipient, visible=ALL):
    """Every delivery to this recipient, newest first, with its letter."""
    query = (
        sa.select(Delivery)
        .join(Letter, Letter.id == Delivery.letter_id)
        .where(Delivery.recipient_id == recipient.id, visible)
        .options(selectinload(Delivery.letter))
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
    )
    return list(db.session.scalars(query))


def responses(recipient, visible=ALL):
    """Every response from this recipient, newest first, as (response, letter) pairs."""
    query = (
        sa.select(Response, Letter)
        .join(Letter, Letter.id == Response.letter_id)
        .where(Response.recipient_id == recipient.id, visible)
        .order_by(Response.received_on.desc(), Response.id.desc())
    )
    return [tuple(row) for row in db.session.execute(query)]


def recipient_history(recipient, user):
    """The history, limited to the campaigns `user` may see."""
    visible = visible_to(user, Letter.campaign_id)
    return {
        "letters": letters_addressed(recipient, visible),
        "deliveries": deliveries(recipient, visible),
        "responses": responses(recipient, visible),
    }
