"""One search box for staff: signatories, recipients, deliveries and responses matching a query.

A viewer's search looks at names, titles and texts only, never at contact data (emails, contact
persons, addresses a message came from or went to): a match there would tell them who signed.
Results show no contact data to anyone.
"""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.deliveries.models import Delivery
from app.extensions import db
from app.recipients.models import Recipient
from app.responses.models import Response
from app.signatures.models import Signatory

#: Matches listed per kind.
LIMIT = 20
#: Shortest query searched (a number finds a delivery or response by its number at any length).
MIN_LENGTH = 2
MAX_LENGTH = 200


def clean_query(raw):
    q = (raw or "").strip()[:MAX_LENGTH]
    return q if len(q) >= MIN_LENGTH or q.isdigit() else ""


def _like(columns, q):
    return sa.or_(*(column.icontains(q, autoescape=True) for column in columns))


def signatories(q, private):
    columns = [Signatory.name_en, Signatory.name_ko, Signatory.line_en, Signatory.line_ko]
    if private:
        columns += [Signatory.email, Signatory.contact_name]
    return db.session.scalars(
        sa.select(Signatory)
        .where(_like(columns, q), Signatory.erased_at.is_(None))
        .options(selectinload(Signatory.signatures))
        .order_by(Signatory.id.desc())
        .limit(LIMIT)
    ).all()


def _recipient_columns(private):
    columns = [Recipient.name_en, Recipient.name_ko, Recipient.addressee_en, Recipient.addressee_ko]
    if private:
        columns += [
            sa.cast(Recipient.emails, sa.String),
            Recipient.contact_name,
            Recipient.contact_email,
            Recipient.fax,
        ]
    return columns


def recipients(q, private):
    query = sa.select(Recipient).where(_like(_recipient_columns(private), q))
    return db.session.scalars(query.order_by(Recipient.name_en, Recipient.id).limit(LIMIT)).all()


def deliveries(q, private):
    named = sa.select(Recipient.id).where(_like(_recipient_columns(private), q))
    matches = [Delivery.recipient_id.in_(named)]
    if private:
        matches.append(Delivery.destination.icontains(q, autoescape=True))
    if q.lstrip("#").isdigit() and len(q) <= 9:
        matches.append(Delivery.id == int(q.lstrip("#")))
    return db.session.scalars(
        sa.select(Delivery)
        .where(sa.or_(*matches))
        .options(selectinload(Delivery.recipient), selectinload(Delivery.letter))
        .order_by(Delivery.id.desc())
        .limit(LIMIT)
    ).all()


def responses(q, private):
    columns = [Response.subject, Response.reference, Response.summary_en, Response.summary_ko, Response.text]
    if private:
        columns.append(Response.sender)
    matches = [_like(columns, q)]
    if q.lstrip("#").isdigit() and len(q) <= 9:
        matches.append(Response.id == int(q.lstrip("#")))
    return db.session.scalars(
        sa.select(Response).where(sa.or_(*matches)).order_by(Response.id.desc()).limit(LIMIT)
    ).all()


def search(q, private):
    """{"signatories": [...], "recipients": [...], "deliveries": [...], "responses": [...]}."""
    return {
        "signatories": signatories(q, private),
        "recipients": recipients(q, private),
        "deliveries": deliveries(q, private),
        "responses": responses(q, private),
    }
