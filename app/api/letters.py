"""API: letters, their versions and their workflow."""

import sqlalchemy as sa
from flask import g, url_for
from flask_babel import gettext as _

from app.api import bp
from app.api.auth import bilingual, json_body, token_required
from app.api.openapi import error_responses, json_response, path_id, ref, request_body
from app.campaigns.models import Campaign
from app.campaigns.public import forget_letter
from app.core.errors import NotFound, ValidationError
from app.extensions import db
from app.letters.models import PUBLIC_LETTER_STATUSES, TEXT_PARTS, Letter, LetterVersion
from app.letters.services import create_letter, save_letter
from app.letters.workflow import allowed_transitions, transition

SCALARS = ("template", "kind", "single_language", "letter_date", "recipient_ids", "lock_version")


def _texts(obj):
    return {part: {"en": obj.text(part, "en"), "ko": obj.text(part, "ko")} for part in TEXT_PARTS}


def letter_json(letter):
    version = letter.current_version
    return {
        "id": letter.id,
        "campaign_id": letter.campaign_id,
        "slug": letter.slug,
        "kind": str(letter.kind),
        "status": str(letter.status),
        "template": letter.template,
        "single_language": str(letter.single_language) if letter.single_language else None,
        "letter_date": letter.letter_date.isoformat() if letter.letter_date else None,
        "place": {"en": letter.place_en, "ko": letter.place_ko},
        **_texts(letter),
        "recipient_ids": [link.recipient_id for link in letter.recipient_links],
        "lock_version": letter.lock_version,
        "current_version": version.number if version else None,
        "allowed_transitions": [str(s) for s in allowed_transitions(letter)],
        "url": url_for("api.get_letter", letter_id=letter.id, _external=True),
    }


def version_json(version):
    return {
        "number": version.number,
        "content_hash": version.content_hash,
        "frozen_at": version.frozen_at.isoformat(),
        "letter_date": version.letter_date.isoformat() if version.letter_date else None,
        **_texts(version),
    }


def _flatten(data):
    """The API's {"title": {"en", "ko"}} shape as the service's title_en / title_ko keys."""
    unknown = set(data) - set(TEXT_PARTS) - set(SCALARS) - {"place"}
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s.", names=", ".join(sorted(unknown))),
            fields=dict.fromkeys(sorted(unknown), _("Unknown field.")),
        )
    flat = {key: data[key] for key in SCALARS if key in data}
    for part in (*TEXT_PARTS, "place"):
        if part in data:
            flat[f"{part}_en"], flat[f"{part}_ko"] = bilingual(data, part)
            for lang in ("en", "ko"):
                if lang not in (data[part] or {}):
                    flat.pop(f"{part}_{lang}")
    return flat


def letter_or_not_found(letter_id, public=False):
    """The letter with this id; with `public`, only one the public may read."""
    letter = db.session.get(Letter, letter_id)
    if letter is None or (public and letter.status not in PUBLIC_LETTER_STATUSES):
        raise NotFound(_("No letter with this id."))
    return letter


@bp.post("/campaigns/<int:campaign_id>/letters")
@token_required("editor")
def post_letter(campaign_id):
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_("No campaign with this id."))
    letter = create_letter(campaign, _flatten(json_body()), actor=g.api_user)
    db.session.commit()
    return letter_json(letter), 201, {"Location": url_for("api.get_letter", letter_id=letter.id)}


@bp.get("/letters/<int:letter_id>")
@token_required("viewer")
def get_letter(letter_id):
    return letter_json(letter_or_not_found(letter_id))


@bp.patch("/letters/<int:letter_id>")
@token_required("editor")
def patch_letter(letter_id):
    letter = letter_or_not_found(letter_id)
    data = _flatten(json_body())
    lock_version = data.pop("lock_version", None)
    if lock_version is not None and not isinstance(lock_version, int):
        raise ValidationError(
            _("lock_version must be a whole number."), fields={"lock_version": _("Wrong type.")}
        )
    save_letter(letter, data, actor=g.api_user, lock_version=lock_version, partial=True)
    db.session.commit()
    forget_letter(letter)
    return letter_json(letter)


@bp.get("/letters/<int:letter_id>/versions")
@token_required("viewer")
def list_versions(letter_id):
    letter = letter_or_not_found(letter_id)
    versions = db.session.scalars(
        sa.select(LetterVersion).where(LetterVersion.letter_id == letter.id).order_by(LetterVersion.number)
    )
    return {"items": [version_json(v) for v in versions]}


@bp.post("/letters/<int:letter_id>/transitions")
@token_required("editor")
def post_transition(letter_id):
    letter = letter_or_not_found(letter_id)
    target = json_body().get("to")
    if not isinstance(target, str):
        raise ValidationError(_('Say which state to move to: {"to": "open"}.'), fields={"to": _("Required.")})
    transition(letter, target, g.api_user)
    db.session.commit()
    forget_letter(letter)
    return letter_json(letter)


_TEXT_SCHEMA = {part: ref("Bilingual") for part in TEXT_PARTS}
_STATES = ["draft", "in_review", "open", "closed", "delivered", "archived"]

SCHEMAS = {
    "Letter": {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "campaign_id", "slug", "kind", "status", "template", "lock_version", *TEXT_PARTS],
        "properties": {
            "id": {"type": "integer"},
            "campaign_id": {"type": "integer"},
            "slug": {"type": "string"},
            "kind": {"type": "string", "enum": ["open_letter", "petition"]},
            "status": {"type": "string", "enum": _STATES},
            "template": {"type": "string"},
            "single_language": {"type": ["string", "null"], "enum": ["en", "ko", None]},
            "letter_date": {"type": ["string", "null"], "format": "date"},
            "place": ref("Bilingual"),
            **_TEXT_SCHEMA,
            "recipient_ids": {"type": "array", "items": {"type": "integer"}},
            "lock_version": {
                "type": "integer",
                "description": "Send it back with PATCH to refuse a stale save.",
            },
            "current_version": {"type": ["integer", "null"]},
            "allowed_transitions": {"type": "array", "items": {"type": "string", "enum": _STATES}},
            "url": {"type": "string", "format": "uri"},
        },
    },
    "LetterInput": {
        "type": "object",
        "description": "Texts as {en, ko}. Limits: title 300, subject 300, salutation 200, body 60000 "
        "(Markdown; no HTML, no images), closing 500, signatories_intro 300 characters.",
        "properties": {
            **_TEXT_SCHEMA,
            "place": ref("Bilingual"),
            "template": {
                "type": "string",
                "description": "A folder of letter_templates/, e.g. formal or petition",
            },
            "kind": {"type": "string", "enum": ["open_letter", "petition"]},
            "single_language": {"type": ["string", "null"], "enum": ["en", "ko", None]},
            "letter_date": {"type": ["string", "null"], "format": "date"},
            "recipient_ids": {"type": "array", "items": {"type": "integer"}},
            "lock_version": {"type": "integer"},
        },
    },
    "LetterVersion": {
        "type": "object",
        "additionalProperties": False,
        "required": ["number", "content_hash", "frozen_at", *TEXT_PARTS],
        "properties": {
            "number": {"type": "integer"},
            "content_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "frozen_at": {"type": "string", "format": "date-time"},
            "letter_date": {"type": ["string", "null"], "format": "date"},
            **_TEXT_SCHEMA,
        },
    },
    "LetterVersionList": {
        "type": "object",
        "additionalProperties": False,
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": ref("LetterVersion")}},
    },
    "TransitionInput": {
        "type": "object",
        "required": ["to"],
        "properties": {"to": {"type": "string", "enum": _STATES}},
    },
}

PATHS = {
    "/campaigns/{campaign_id}/letters": {
        "parameters": [path_id("campaign_id")],
        "post": {
            "operationId": "createLetter",
            "summary": "Create a letter as a draft (editor or admin)",
            "requestBody": request_body("LetterInput"),
            "responses": {
                "201": json_response("Letter", "The new letter"),
                **error_responses(401, 403, 404, 422),
            },
        },
    },
    "/letters/{letter_id}": {
        "parameters": [path_id("letter_id")],
        "get": {
            "operationId": "getLetter",
            "summary": "A letter with its draft text",
            "responses": {"200": json_response("Letter", "The letter"), **error_responses(401, 404)},
        },
        "patch": {
            "operationId": "updateLetter",
            "summary": "Save changes (a new revision; a new version if the letter is open)",
            "requestBody": request_body("LetterInput"),
            "responses": {
                "200": json_response("Letter", "The saved letter"),
                **error_responses(401, 403, 404, 409, 422),
            },
        },
    },
    "/letters/{letter_id}/versions": {
        "parameters": [path_id("letter_id")],
        "get": {
            "operationId": "listLetterVersions",
            "summary": "The frozen versions people signed",
            "responses": {
                "200": json_response("LetterVersionList", "Versions, oldest first"),
                **error_responses(401, 404),
            },
        },
    },
    "/letters/{letter_id}/transitions": {
        "parameters": [path_id("letter_id")],
        "post": {
            "operationId": "transitionLetter",
            "summary": "Move the letter through its workflow",
            "requestBody": request_body("TransitionInput"),
            "responses": {
                "200": json_response("Letter", "The letter in its new state"),
                **error_responses(401, 403, 404, 409, 422),
            },
        },
    },
}
