"""Which campaign a staff route is about, found from the object its URL names."""

import sqlalchemy as sa

from app.extensions import db


def _through_letter(model_name):
    def campaign_id(object_id):
        from app import models
        from app.letters.models import Letter

        model = getattr(models, model_name)
        return db.session.scalar(
            sa.select(Letter.campaign_id)
            .join(model, model.letter_id == Letter.id)
            .where(model.id == object_id)
        )

    return campaign_id


def _campaign(campaign_id):
    from app.campaigns.models import Campaign

    return db.session.scalar(sa.select(Campaign.id).where(Campaign.id == campaign_id))


def _letter(letter_id):
    from app.letters.models import Letter

    return db.session.scalar(sa.select(Letter.campaign_id).where(Letter.id == letter_id))


def _document_token(token):
    from app.documents.models import Document
    from app.letters.models import Letter

    return db.session.scalar(
        sa.select(Letter.campaign_id)
        .join(Document, Document.letter_id == Letter.id)
        .where(Document.token == token)
    )


#: URL variable -> how to find the campaign id. The first variable a rule has, in this order, decides;
#: nested ids (a signature under a letter, a proof under a delivery) are checked by the view itself.
RESOLVERS = {
    "campaign_id": _campaign,
    "letter_id": _letter,
    "delivery_id": _through_letter("Delivery"),
    "batch_id": _through_letter("DeliveryBatch"),
    "document_id": _through_letter("Document"),
    "response_id": _through_letter("Response"),
    "signature_id": _through_letter("Signature"),
    "token": _document_token,
}


def names_campaign(view_args):
    return any(key in view_args for key in RESOLVERS)


def campaign_id_for(view_args):
    """The campaign id the route's object belongs to, or None when that object does not exist."""
    for key, resolve in RESOLVERS.items():
        if key in view_args:
            return resolve(view_args[key])
    raise LookupError(f"no campaign can be derived from {sorted(view_args)}")
