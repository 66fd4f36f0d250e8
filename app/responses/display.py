"""What the pages and the API show of responses: a delivery's, a letter's, the public's files."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.responses.models import Response, ResponseAttachment, ResponseDelivery


def answered_delivery_ids():
    """A query of every delivery id some response answers, as its primary delivery or a further one."""
    primary = sa.select(Response.delivery_id).where(Response.delivery_id.is_not(None))
    return sa.union(primary, sa.select(ResponseDelivery.delivery_id))


def answers_any(delivery_ids):
    """An SQL condition: some response answers one of `delivery_ids` (a list or a subquery)."""
    further = sa.select(ResponseDelivery.response_id).where(ResponseDelivery.delivery_id.in_(delivery_ids))
    return sa.or_(Response.delivery_id.in_(delivery_ids), Response.id.in_(further))


def responses_to(delivery):
    """The responses that answer `delivery` (as their own or a further delivery), oldest first."""
    query = sa.select(Response).where(answers_any([delivery.id]))
    return list(db.session.scalars(query.order_by(Response.received_on, Response.id)))


def letter_responses(letter):
    """Every response to `letter`, newest first, with recipient and attachments."""
    query = (
        sa.select(Response)
        .where(Response.letter_id == letter.id)
        .options(selectinload(Response.recipient), selectinload(Response.attachments))
        .order_by(Response.received_on.desc(), Response.id.desc())
    )
    return list(db.session.scalars(query))


def public_attachments(response):
    """The files the public may download: the response is public and staff published each file."""
    return [a for a in response.attachments if a.is_public] if response.is_public else []


def public_attachment(response_id, attachment_id):
    """The published attachment, or None (private response, private file, or not this response's)."""
    attachment = db.session.get(ResponseAttachment, attachment_id)
    if attachment is None or attachment.response_id != response_id or not attachment.is_shown_publicly:
        return None
    return attachment
