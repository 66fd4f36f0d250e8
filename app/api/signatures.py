"""API: signatures of a letter (staff) and its public list of signatories."""

import sqlalchemy as sa
from flask import g, request
from flask_babel import gettext as _

from app.api import bp
from app.api.auth import bilingual, json_body, token_required
from app.api.letters import letter_or_not_found
from app.api.openapi import PAGE_PARAM, error_responses, json_response, page_of, path_id, ref, request_body
from app.core.errors import NotFound, ValidationError
from app.core.i18n import current_language
from app.core.pagination import paginate
from app.core.text import clean_text, text_problem
from app.extensions import db
from app.signatures.models import Signatory, Signature
from app.signatures.moderation import decide
from app.signatures.public import public_list
from app.signatures.services import add_by_staff
from app.signatures.validation import clean_sign_on


def signature_json(signature):
    signatory = signature.signatory
    return {
        "id": signature.id,
        "letter_id": signature.letter_id,
        "version": signature.version.number,
        "status": str(signature.status),
        "source": str(signature.source),
        "hold_reason": signature.hold_reason,
        "kind": str(signatory.kind),
        "name": {"en": signatory.name_en, "ko": signatory.name_ko},
        "line": {"en": signatory.line_en, "ko": signatory.line_ko},
        "country": signatory.country,
        "email": signatory.email,
        "display": str(signatory.display),
        "created_at": signature.created_at.isoformat(),
        "confirmed_at": signature.confirmed_at.isoformat() if signature.confirmed_at else None,
    }


def _clean(data):
    name_en, name_ko = bilingual(data, "name")
    line_en, line_ko = bilingual(data, "line")
    fields = {}
    try:
        cleaned = clean_sign_on(
            {**data, "name_en": name_en, "name_ko": name_ko, "line": line_en, "consent": "y"},
            require_email=False,
        )
    except ValidationError as error:
        fields.update(error.fields)
        cleaned = {}
    line_ko = clean_text(line_ko)
    if problem := text_problem(line_ko, 300):
        fields["line_ko"] = problem
    if fields:
        raise ValidationError(_("Some fields need attention."), fields=fields)
    cleaned["line_en"], cleaned["line_ko"] = cleaned.pop("line_en", "") or "", line_ko
    return cleaned


@bp.post("/letters/<int:letter_id>/signatures")
@token_required("editor")
def post_signature(letter_id):
    letter = letter_or_not_found(letter_id)
    data = json_body()
    language = data.get("language", "en") if data.get("language") in ("en", "ko") else "en"
    signature = add_by_staff(letter, _clean(data), g.api_user, language=language)
    db.session.commit()
    return signature_json(signature), 201


@bp.get("/letters/<int:letter_id>/signatures")
@token_required("viewer")
def list_signatures(letter_id):
    letter = letter_or_not_found(letter_id)
    query = sa.select(Signature).where(Signature.letter_id == letter.id).order_by(Signature.id)
    if status := request.args.get("status"):
        query = query.where(Signature.status == status)
    page = paginate(query.join(Signatory), request.args.get("page"), per_page=100)
    return {
        "items": [signature_json(s) for s in page.items],
        "page": page.number,
        "per_page": page.per_page,
        "total": page.total,
    }


@bp.get("/letters/<int:letter_id>/signatories")
def list_signatories(letter_id):
    letter = letter_or_not_found(letter_id, public=True)
    lang = request.args.get("lang") if request.args.get("lang") in ("en", "ko") else current_language()
    listed = public_list(letter, lang)
    return {
        "letter_id": letter.id,
        "lang": lang,
        "count": listed["count"],
        "signatories": listed["signatories"],
    }


@bp.post("/signatures/<int:signature_id>/transitions")
@token_required("editor")
def post_signature_transition(signature_id):
    signature = db.session.get(Signature, signature_id)
    if signature is None:
        raise NotFound(_("No signature with this id."))
    data = json_body()
    if not isinstance(data.get("to"), str) or not isinstance(data.get("reason", ""), str):
        raise ValidationError(
            _('Say which state to move to: {"to": "approved"}.'), fields={"to": _("Required.")}
        )
    decide(signature, data["to"], g.api_user, reason=data.get("reason", ""))
    db.session.commit()
    return signature_json(signature)


_STATUSES = ["pending", "held", "confirmed", "approved", "rejected", "withdrawn", "expired", "merged"]

SCHEMAS = {
    "Signature": {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "letter_id", "version", "status", "kind", "name", "line", "display", "email"],
        "properties": {
            "id": {"type": "integer"},
            "letter_id": {"type": "integer"},
            "version": {"type": "integer", "description": "The letter version this signature was given for"},
            "status": {"type": "string", "enum": _STATUSES},
            "source": {"type": "string", "enum": ["form", "staff", "import", "demo"]},
            "hold_reason": {"type": "string"},
            "kind": {"type": "string", "enum": ["organization", "individual"]},
            "name": ref("Bilingual"),
            "line": ref("Bilingual"),
            "country": {"type": "string"},
            "email": {"type": "string"},
            "display": {"type": "string", "enum": ["full", "initials", "counted"]},
            "created_at": {"type": "string", "format": "date-time"},
            "confirmed_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "SignatureInput": {
        "type": "object",
        "required": ["kind", "name"],
        "description": "An approved signature collected elsewhere. Names at most 200, lines 300 characters.",
        "properties": {
            "kind": {"type": "string", "enum": ["organization", "individual"]},
            "name": ref("Bilingual"),
            "line": ref("Bilingual"),
            "country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
            "email": {"type": "string", "format": "email"},
            "display": {"type": "string", "enum": ["full", "initials", "counted"]},
            "language": {"type": "string", "enum": ["en", "ko"]},
        },
    },
    "SignaturePage": page_of("Signature"),
    "PublicSignatories": {
        "type": "object",
        "additionalProperties": False,
        "required": ["letter_id", "lang", "count", "signatories"],
        "properties": {
            "letter_id": {"type": "integer"},
            "lang": {"type": "string", "enum": ["en", "ko"]},
            "count": {"type": "integer", "description": "Every counted signature, listed or not"},
            "signatories": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["kind", "name", "line"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["organization", "individual"]},
                        "name": {"type": "string"},
                        "line": {"type": "string"},
                    },
                },
            },
        },
    },
    "SignatureTransitionInput": {
        "type": "object",
        "required": ["to"],
        "properties": {
            "to": {"type": "string", "enum": ["approved", "rejected", "withdrawn"]},
            "reason": {"type": "string", "maxLength": 500, "description": "Required to reject"},
        },
    },
}

PATHS = {
    "/letters/{letter_id}/signatures": {
        "parameters": [path_id("letter_id")],
        "get": {
            "operationId": "listSignatures",
            "summary": "Every signature of a letter, with private fields (staff)",
            "parameters": [
                PAGE_PARAM,
                {"name": "status", "in": "query", "schema": {"type": "string", "enum": _STATUSES}},
            ],
            "responses": {
                "200": json_response("SignaturePage", "A page of signatures"),
                **error_responses(401, 404),
            },
        },
        "post": {
            "operationId": "addSignature",
            "summary": "Add a signature collected elsewhere, approved (editor or admin)",
            "requestBody": request_body("SignatureInput"),
            "responses": {
                "201": json_response("Signature", "The new signature"),
                **error_responses(401, 403, 404, 422),
            },
        },
    },
    "/letters/{letter_id}/signatories": {
        "parameters": [path_id("letter_id")],
        "get": {
            "operationId": "listPublicSignatories",
            "summary": "The public list, as displayed: display choices honoured, nothing private",
            "security": [],
            "parameters": [
                {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["en", "ko"]}}
            ],
            "responses": {
                "200": json_response("PublicSignatories", "The public list"),
                **error_responses(404),
            },
        },
    },
    "/signatures/{signature_id}/transitions": {
        "parameters": [path_id("signature_id")],
        "post": {
            "operationId": "transitionSignature",
            "summary": "Approve, reject (with a reason) or withdraw a signature",
            "requestBody": request_body("SignatureTransitionInput"),
            "responses": {
                "200": json_response("Signature", "The signature in its new state"),
                **error_responses(401, 403, 404, 409, 422),
            },
        },
    },
}
