"""API: signatures of a letter (staff) and its public list of signatories."""

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _
from marshmallow import fields, post_dump

from app.api import bp
from app.api.auth import token_required
from app.api.errors import named_as_inputs
from app.api.fields import (
    LANGUAGES,
    Bilingual,
    Integer,
    List,
    Nested,
    PageQuery,
    Schema,
    bilingual_input,
    computed,
    page_of,
    text,
    version_number,
)
from app.api.letters import letter_or_not_found
from app.auth.permissions import can
from app.core.errors import NotFound, ValidationError
from app.core.i18n import current_language
from app.core.pagination import paginate
from app.core.text import clean_text, text_problem
from app.extensions import db
from app.signatures.models import (
    Display,
    Signatory,
    SignatoryKind,
    Signature,
    SignatureSource,
    SignatureStatus,
)
from app.signatures.moderation import STAFF_TRANSITIONS, decide
from app.signatures.public import public_list
from app.signatures.services import add_by_staff
from app.signatures.validation import LIMITS, clean_sign_on

#: Contact data: only editors and admins see it, a viewer's answer leaves the keys out.
CONTACT_FIELDS = ("email", "contact_name")


def _signatory(name, field):
    return computed(field, lambda signature: getattr(signature.signatory, name))


class SignatureSchema(Schema):
    id = Integer(required=True)
    letter_id = Integer(required=True)
    version = version_number("The letter version this signature was given for")
    status = text(choices=SignatureStatus, required=True)
    source = text(choices=SignatureSource, required=True)
    hold_reason = fields.String(required=True)
    kind = _signatory("kind", text(choices=SignatoryKind, required=True))
    name = computed(Nested(Bilingual, required=True), lambda signature: _pair(signature.signatory, "name"))
    line = computed(Nested(Bilingual, required=True), lambda signature: _pair(signature.signatory, "line"))
    country = _signatory("country", fields.String(required=True))
    display = _signatory("display", text(choices=Display, required=True))
    email = _signatory("email", fields.String(metadata={"description": "Editors and admins only"}))
    contact_name = _signatory(
        "contact_name", fields.String(metadata={"description": "Editors and admins only"})
    )
    created_at = fields.DateTime(required=True)
    confirmed_at = fields.DateTime(allow_none=True, required=True)

    @post_dump
    def hide_contact(self, data, **kwargs):
        user = g.get("api_user")
        if not can(user, "see_contacts", g.get("campaign_id")):
            for name in CONTACT_FIELDS:
                data.pop(name, None)
        return data


def _pair(obj, prefix):
    return {lang: getattr(obj, f"{prefix}_{lang}") for lang in LANGUAGES}


SignaturePageSchema = page_of(SignatureSchema, "SignaturePageSchema")


class SignatureInputSchema(Schema):
    """An approved signature collected elsewhere."""

    kind = text(choices=SignatoryKind, required=True)
    name = Nested(bilingual_input("SignatoryName", LIMITS["name"], one_required=True), required=True)
    line = Nested(bilingual_input("SignatoryLine", LIMITS["line"]))
    country = text(2, metadata={"description": "ISO 3166-1 alpha-2, e.g. KR"})
    email = text(254, metadata={"format": "email"})
    contact_name = text(LIMITS["contact_name"], metadata={"description": "Organizations only"})
    website = text(LIMITS["website"], metadata={"description": "Organizations only; https://..."})
    display = text(choices=Display)
    language = text(choices=LANGUAGES, metadata={"description": "For emails to the signatory"})


class SignatureQuery(PageQuery):
    status = text(choices=SignatureStatus)


class PublicSignatorySchema(Schema):
    kind = text(choices=SignatoryKind, required=True)
    name = fields.String(required=True)
    line = fields.String(required=True)


class PublicSignatoriesSchema(Schema):
    letter_id = Integer(required=True)
    lang = text(choices=LANGUAGES, required=True)
    count = Integer(required=True, metadata={"description": "Every counted signature, listed or not"})
    signatories = List(Nested(PublicSignatorySchema), required=True)


class LangQuery(Schema):
    lang = text(choices=LANGUAGES)


class SignatureTransitionSchema(Schema):
    to = text(choices=STAFF_TRANSITIONS, required=True)
    reason = text(500, metadata={"description": "Required to reject"})


def _clean(data):
    """The API's input as the sign-on checks want it, refused field by field."""
    name, line = data["name"], data.get("line", {})
    flat = {key: value for key, value in data.items() if key not in ("name", "line")}
    flat.update(name_en=name.get("en", ""), name_ko=name.get("ko", ""), line=line.get("en", ""), consent="y")
    refused = {}
    try:
        cleaned = clean_sign_on(flat, require_email=False)
    except ValidationError as error:
        refused.update(error.fields)
        cleaned = {}
    line_ko = clean_text(line.get("ko", ""))
    if problem := text_problem(line_ko, LIMITS["line"]):
        refused["line_ko"] = problem
    if refused:
        raise ValidationError(_("Some fields need attention."), fields=refused)
    cleaned["line_en"], cleaned["line_ko"] = cleaned.pop("line_en", "") or "", line_ko
    return cleaned


@bp.route("/letters/<int:letter_id>/signatures", methods=["POST"])
@token_required("editor")
@bp.arguments(SignatureInputSchema)
@bp.response(201, SignatureSchema)
@bp.errors(404)
def post_signature(data, letter_id):
    """Add a signature collected elsewhere, approved (editor or admin)"""
    letter = letter_or_not_found(letter_id)
    language = data.pop("language", "en")
    with named_as_inputs(("name", "line"), renamed={"line": "line.en"}):
        signature = add_by_staff(letter, _clean(data), g.api_user, language=language)
    db.session.commit()
    return signature, 201


@bp.route("/letters/<int:letter_id>/signatures", methods=["GET"])
@token_required("viewer")
@bp.arguments(SignatureQuery, location="query")
@bp.response(200, SignaturePageSchema)
@bp.errors(404)
def list_signatures(query, letter_id):
    """Every signature of a letter (staff); email and contact_name for editors and admins only"""
    letter = letter_or_not_found(letter_id)
    select = sa.select(Signature).where(Signature.letter_id == letter.id).order_by(Signature.id)
    if status := query.get("status"):
        select = select.where(Signature.status == SignatureStatus(status))
    return paginate(select.join(Signatory), query["page"], per_page=100)


@bp.route("/letters/<int:letter_id>/signatories", methods=["GET"])
@bp.public
@bp.arguments(LangQuery, location="query")
@bp.response(200, PublicSignatoriesSchema)
@bp.errors(404)
def list_signatories(query, letter_id):
    """The public list, as displayed: display choices honoured, nothing private"""
    letter = letter_or_not_found(letter_id, public=True)
    lang = query.get("lang") or current_language()
    listed = public_list(letter, lang)
    return {"letter_id": letter.id, "lang": lang, **listed}


@bp.route("/signatures/<int:signature_id>/transitions", methods=["POST"])
@token_required("editor")
@bp.arguments(SignatureTransitionSchema)
@bp.response(200, SignatureSchema)
@bp.errors(404, 409)
def post_signature_transition(data, signature_id):
    """Approve, reject (with a reason) or withdraw a signature"""
    signature = db.session.get(Signature, signature_id)
    if signature is None:
        raise NotFound(_("No signature with this id."))
    decide(signature, data["to"], g.api_user, reason=data.get("reason", ""))
    db.session.commit()
    return signature
