"""API: erase a person's data on their request (admins only)."""

from flask import g
from marshmallow import fields

from app.api import bp
from app.api.auth import token_required
from app.api.fields import Integer, List, Schema, text
from app.campaigns.public import forget_letter
from app.extensions import db
from app.signatures.privacy import erase_person, find_signatories


class EraseRequestSchema(Schema):
    email = text(254, required=True, metadata={"format": "email", "description": "The person's address"})


class ErasedSchema(Schema):
    signatories = Integer(required=True, metadata={"minimum": 0, "description": "Records erased"})
    letters = List(
        fields.Integer(), required=True, metadata={"description": "Ids of the letters they had signed"}
    )


@bp.route("/privacy/erase", methods=["POST"])
@token_required("admin")
@bp.arguments(EraseRequestSchema)
@bp.response(200, ErasedSchema)
def erase(data):
    """Erase what we hold about the person with this email (admin); an unknown address erases nothing"""
    signatories = find_signatories(data["email"])
    letters = erase_person(signatories, g.api_user)
    db.session.commit()
    for letter in letters:
        forget_letter(letter)
    return {"signatories": len(signatories), "letters": sorted(letter.id for letter in letters)}
