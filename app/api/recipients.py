"""API: the recipient registry. Contact data is absent from what viewer tokens read."""

import marshmallow as ma
from flask import g, url_for
from flask_babel import gettext as _
from marshmallow import fields, validate

from app.api import bp
from app.api.auth import token_required
from app.api.errors import named_as_inputs
from app.api.fields import (
    Integer,
    List,
    Nested,
    PageQuery,
    Schema,
    bilingual_input,
    bilingual_pair,
    page_of,
    text,
    url_field,
)
from app.core.errors import NotFound, ValidationError
from app.extensions import db
from app.recipients.models import Recipient, RecipientKind
from app.recipients.services import create_recipient, search_recipients, update_recipient
from app.recipients.validation import (
    ADDRESS_LIMIT,
    CONTACT_FIELDS,
    MAX_EMAILS,
    MAX_TAGS,
    TAG_LIMIT,
    TEXT_LIMITS,
)
from app.signatures.validation import COUNTRIES

#: The bilingual inputs; the service's "name_ko" is the API's "name.ko".
BILINGUAL = ("name", "addressee", "address")
LANGUAGES = ("en", "ko")
COUNTRY_CHOICES = ("", *sorted(COUNTRIES))
CONTACT_NOTE = "Contact data: absent for viewer tokens."


def _contact(field):
    field.metadata["description"] = CONTACT_NOTE
    return field


def _output_fields():
    return {
        "id": Integer(required=True),
        "kind": text(choices=RecipientKind, required=True),
        "name": bilingual_pair("name"),
        "addressee": bilingual_pair("addressee"),
        "address": bilingual_pair("address"),
        "country": fields.String(
            required=True, metadata={"description": "ISO 3166 code; empty when unknown"}
        ),
        "preferred_language": text(choices=LANGUAGES, required=True),
        "portal_url": fields.String(required=True),
        "tags": fields.List(fields.String(), required=True),
        "notes": fields.String(required=True),
        "is_demo": fields.Boolean(required=True),
        "emails": _contact(fields.List(fields.String())),
        "fax": _contact(fields.String()),
        "contact_name": _contact(fields.String()),
        "contact_email": _contact(fields.String()),
        "contact_phone": _contact(fields.String()),
        "url": url_field(lambda r: url_for("api.get_recipient", recipient_id=r.id, _external=True)),
    }


class _HidesContact(Schema):
    @ma.post_dump
    def hide_contact(self, data, **kwargs):
        """A viewer's token reads no contact data: the fields are left out, not emptied."""
        if not g.api_user.has_role("editor"):
            for key in CONTACT_FIELDS:
                data.pop(key, None)
        return data


RecipientSchema = _HidesContact.from_dict(_output_fields(), name="RecipientSchema")
RecipientPageSchema = page_of(RecipientSchema, "RecipientPageSchema")


def _input_fields(new):
    suffix = "" if new else "Change"
    limits = {
        "name": TEXT_LIMITS["name_en"],
        "addressee": TEXT_LIMITS["addressee_en"],
        "address": ADDRESS_LIMIT,
    }
    bilingual = {
        part: Nested(
            bilingual_input(
                f"Recipient{part.title()}{suffix}",
                limit,
                one_required=new and part == "name",
                description="One line per line, the country line included." if part == "address" else None,
            ),
            required=new and part == "name",
        )
        for part, limit in limits.items()
    }
    return {
        **bilingual,
        "kind": text(choices=RecipientKind),
        "country": text(choices=COUNTRY_CHOICES, metadata={"description": "ISO 3166 code, upper case"}),
        "preferred_language": text(choices=LANGUAGES),
        "emails": List(text(254), validate=validate.Length(max=MAX_EMAILS)),
        "fax": text(40),
        "portal_url": text(300, metadata={"description": "https://..."}),
        "tags": List(text(TAG_LIMIT), validate=validate.Length(max=MAX_TAGS)),
        "notes": text(TEXT_LIMITS["notes"]),
        "contact_name": text(TEXT_LIMITS["contact_name"]),
        "contact_email": text(254),
        "contact_phone": text(40),
    }


NewRecipientSchema = Schema.from_dict(_input_fields(new=True), name="NewRecipientSchema")
RecipientChangesSchema = Schema.from_dict(_input_fields(new=False), name="RecipientChangesSchema")


class RecipientQuery(PageQuery):
    q = text(200, load_default="", metadata={"description": "In names and addressees, either language"})
    tag = text(TAG_LIMIT, load_default="")
    country = text(2, load_default="", metadata={"description": "ISO 3166 code"})
    kind = text(choices=("", *RecipientKind), load_default="")


def _flatten(data):
    """The API's {"name": {"en", "ko"}} as the service's name_en / name_ko keys."""
    flat = {key: value for key, value in data.items() if key not in BILINGUAL}
    for part in BILINGUAL:
        for lang, value in data.get(part, {}).items():
            flat[f"{part}_{lang}"] = value
    return flat


def recipient_input(recipient_id, name):
    """The recipient a request body or query names under `name`; an unknown one is a 422 on that input."""
    recipient = db.session.get(Recipient, recipient_id)
    if recipient is None:
        raise ValidationError(_("No recipient with this id."), fields={name: _("Unknown recipient.")})
    return recipient


def recipient_or_not_found(recipient_id):
    recipient = db.session.get(Recipient, recipient_id)
    if recipient is None:
        raise NotFound(_("No recipient with this id."))
    return recipient


@bp.route("/recipients", methods=["GET"])
@token_required("viewer")
@bp.arguments(RecipientQuery, location="query")
@bp.response(200, RecipientPageSchema)
def list_recipients(query):
    """Search the registry by name, tag, country and kind"""
    return search_recipients(
        q=query["q"], tag=query["tag"], country=query["country"], kind=query["kind"], page=query["page"]
    )


@bp.route("/recipients", methods=["POST"])
@token_required("editor")
@bp.arguments(NewRecipientSchema)
@bp.response(201, RecipientSchema)
def post_recipient(data):
    """Add a recipient (editor or admin)"""
    with named_as_inputs(BILINGUAL):
        recipient = create_recipient(_flatten(data), actor=g.api_user)
    db.session.commit()
    return recipient, 201, {"Location": url_for("api.get_recipient", recipient_id=recipient.id)}


@bp.route("/recipients/<int:recipient_id>", methods=["GET"])
@token_required("viewer")
@bp.response(200, RecipientSchema)
@bp.errors(404)
def get_recipient(recipient_id):
    """One recipient (contact data for editors and admins only)"""
    return recipient_or_not_found(recipient_id)


@bp.route("/recipients/<int:recipient_id>", methods=["PATCH"])
@token_required("editor")
@bp.arguments(RecipientChangesSchema)
@bp.response(200, RecipientSchema)
@bp.errors(404)
def patch_recipient(data, recipient_id):
    """Change some of a recipient's fields; those not sent keep their values"""
    recipient = recipient_or_not_found(recipient_id)
    data = _flatten(data)
    with named_as_inputs(BILINGUAL):
        update_recipient(recipient, data, actor=g.api_user)
    db.session.commit()
    return recipient
