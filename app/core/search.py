"""One search box for staff: signatories, recipients, deliveries and responses matching a query.

A search looks only at the campaigns the person may see. In a campaign they only view, it looks at
names, titles and texts, never at contact data (emails, contact persons, addresses a message came
from or went to): a match there would tell them who signed. Results show no contact data to anyone.
"""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.permissions import visible_to
from app.deliveries.models import Delivery
from app.extensions import db
from app.letters.models import Letter
from app.recipients.models import Recipient
from app.responses.models import Response
from app.signatures.models import Signatory, Signature

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


def _in_campaigns(user, letter_column, role="viewer"):
    """Rows whose letter (`letter_column`) belongs to a campaign `user` holds `role` on."""
    return letter_column.in_(sa.select(Letter.id).where(visible_to(user, Letter.campaign_id, role)))


def _matching(public, private, q, user, letter_column):
    """Public columns match in the user's campaigns; contact data only in those they edit."""
    found = sa.and_(_like(public, q), _in_campaigns(user, letter_column))
    if not private:
        return found
    return sa.or_(found, sa.and_(_like(private, q), _in_campaigns(user, letter_column, "editor")))


def signatories(q, user):
    public = [Signatory.name_en, Signatory.name_ko, Signatory.line_en, Signatory.line_ko]
    private = [Signatory.email, Signatory.contact_name]
    signed = sa.select(Signature.signatory_id).where(
        _matching(public, private, q, user, Signature.letter_id), Signature.signatory_id == Signatory.id
    )
    return db.session.scalars(
        sa.select(Signatory)
        .where(signed.exists(), Signatory.erased_at.is_(None))
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


def recipients(q, user):
    """The registry serves every campaign: any staff member reads it, editor accounts its contacts."""
    query = sa.select(Recipient).where(_like(_recipient_columns(user.has_role("editor")), q))
    return db.session.scalars(query.order_by(Recipient.name_en, Recipient.id).limit(LIMIT)).all()


def deliveries(q, user):
    named = sa.select(Recipient.id).where(_like(_recipient_columns(False), q))
    matches = [Delivery.recipient_id.in_(named)]
    if q.lstrip("#").isdigit() and len(q) <= 9:
        matches.append(Delivery.id == int(q.lstrip("#")))
    contact = sa.select(Recipient.id).where(_like(_recipient_columns(True), q))
    private = sa.or_(Delivery.recipient_id.in_(contact), Delivery.destination.icontains(q, autoescape=True))
    visible = sa.or_(
        sa.and_(sa.or_(*matches), _in_campaigns(user, Delivery.letter_id)),
        sa.and_(private, _in_campaigns(user, Delivery.letter_id, "editor")),
    )
    return db.session.scalars(
        sa.select(Delivery)
        .where(visible)
        .options(selectinload(Delivery.recipient), selectinload(Delivery.letter))
        .order_by(Delivery.id.desc())
        .limit(LIMIT)
    ).all()


def responses(q, user):
    public = [Response.subject, Response.reference, Response.summary_en, Response.summary_ko, Response.text]
    found = _matching(public, [Response.sender], q, user, Response.letter_id)
    if q.lstrip("#").isdigit() and len(q) <= 9:
        found = sa.or_(
            found, sa.and_(Response.id == int(q.lstrip("#")), _in_campaigns(user, Response.letter_id))
        )
    return db.session.scalars(
        sa.select(Response).where(found).order_by(Response.id.desc()).limit(LIMIT)
    ).all()


def search(q, user):
    """{"signatories": [...], "recipients": [...], "deliveries": [...], "responses": [...]}, of the
    campaigns `user` may see; contact data is matched only in those they edit."""
    return {
        "signatories": signatories(q, user),
        "recipients": recipients(q, user),
        "deliveries": deliveries(q, user),
        "responses": responses(q, user),
    }
