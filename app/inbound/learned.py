"""A reply with nothing of ours in it, filed by the sender's domain that its recipient replied from before."""

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.deliveries.models import Delivery
from app.deliveries.states import REACHED
from app.extensions import db
from app.inbound.domains import learnable_domain
from app.inbound.models import InboundMessage, InboundStatus
from app.recipients.models import Recipient
from app.responses.models import Response

#: Kinds of filed messages that show which domain a recipient writes from.
REPLY_KINDS = ("reply", "auto_reply")


def recipients_replying_from(domain):
    """The recipients whose deliveries got filed replies from `domain` before, by id."""
    sender = sa.func.lower(InboundMessage.sender)
    ids = db.session.scalars(
        sa.select(Delivery.recipient_id)
        .join(InboundMessage, InboundMessage.delivery_id == Delivery.id)
        .where(
            InboundMessage.status == InboundStatus.FILED,
            InboundMessage.kind.in_(REPLY_KINDS),
            sender.endswith("@" + domain, autoescape=True),
        )
        .distinct()
    ).all()
    return db.session.scalars(sa.select(Recipient).where(Recipient.id.in_(ids)).order_by(Recipient.id)).all()


def open_deliveries(recipient):
    """The recipient's deliveries that reached it and are still unanswered (a chaser counts as its
    original), oldest first."""
    chaser = aliased(Delivery)
    chasers = sa.select(chaser.id).where(chaser.chaser_of_id == Delivery.id)
    answered = (
        sa.select(Response.id)
        .where(sa.or_(Response.delivery_id == Delivery.id, Response.delivery_id.in_(chasers)))
        .where(Response.answers())
        .exists()
    )
    return db.session.scalars(
        sa.select(Delivery)
        .where(
            Delivery.recipient_id == recipient.id,
            Delivery.status.in_(REACHED),
            Delivery.chaser_of_id.is_(None),
            ~answered,
        )
        .order_by(Delivery.id)
    ).all()


def by_learned_domain(parsed):
    """(delivery or None, reason) for a reply from a domain learned for one recipient; None when
    the domain is public or was never learned."""
    domain = learnable_domain(parsed.sender)
    if not domain:
        return None
    recipients = recipients_replying_from(domain)
    if not recipients:
        return None
    names = ", ".join(r.name_en or r.name_ko for r in recipients)
    learned = f"sender's domain {domain} learned from earlier replies of {names}"
    if len(recipients) > 1:
        return None, f"{learned}: more than one recipient, held"
    found = open_deliveries(recipients[0])
    if len(found) == 1:
        return found[0], learned
    if not found:
        return None, f"{learned}, but none of its deliveries awaits an answer: held"
    ids = ", ".join(str(d.id) for d in found)
    return None, f"{learned}, but {len(found)} of its deliveries await an answer ({ids}): held"
