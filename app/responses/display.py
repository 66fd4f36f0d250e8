"""What the pages and the API show of responses: a delivery's, a letter's, the public's files."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.inbound.models import InboundMessage
from app.inbound.receipt_numbers import numbers_in
from app.responses.models import Response, ResponseAttachment, ResponseDelivery


def answered_delivery_ids():
    """A query of every delivery id some response answers, as its primary delivery or a further one.

    An automatic reply answers nothing.
    """
    primary = sa.select(Response.delivery_id).where(Response.delivery_id.is_not(None), Response.answers())
    further = (
        sa.select(ResponseDelivery.delivery_id)
        .join(Response, Response.id == ResponseDelivery.response_id)
        .where(Response.answers())
    )
    return sa.union(primary, further)


def filed_on_any(delivery_ids):
    """An SQL condition: the response is on one of `delivery_ids` (a list or a subquery), as its own
    delivery or a further one; automatic replies included."""
    further = sa.select(ResponseDelivery.response_id).where(ResponseDelivery.delivery_id.in_(delivery_ids))
    return sa.or_(Response.delivery_id.in_(delivery_ids), Response.id.in_(further))


def answers_any(delivery_ids):
    """An SQL condition: a response answers one of `delivery_ids`; an automatic reply answers nothing."""
    return sa.and_(filed_on_any(delivery_ids), Response.answers())


def responses_to(delivery):
    """The responses on `delivery` (as their own or a further delivery), automatic replies too,
    oldest first."""
    query = sa.select(Response).where(filed_on_any([delivery.id]))
    return list(db.session.scalars(query.order_by(Response.received_on, Response.id)))


def response_numbers(response):
    """The receipt or registration numbers the response's subject and text give."""
    return numbers_in(response.subject, response.text)


def delivery_replies(delivery):
    """The delivery's responses for its page: answers, automatic replies (collapsed, each with why it
    was taken for one) and the numbers they give, as plain data."""
    responses = responses_to(delivery)
    automatic = [r for r in responses if r.is_automatic]
    reasons = dict(
        db.session.execute(
            sa.select(InboundMessage.response_id, InboundMessage.reason).where(
                InboundMessage.response_id.in_([r.id for r in automatic])
            )
        ).all()
    )
    numbers = []
    for response in responses:
        for number in response_numbers(response):
            if number not in (n["number"] for n in numbers):
                numbers.append({"number": number, "response_id": response.id})
    return {
        "answers": [r for r in responses if not r.is_automatic],
        "automatic": [{"response": r, "reason": reasons.get(r.id, "")} for r in automatic],
        "numbers": numbers,
    }


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
