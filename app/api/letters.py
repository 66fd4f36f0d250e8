"""API: letters, their versions and their workflow."""

from functools import wraps

import sqlalchemy as sa
from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from app.api import bp
from app.api.auth import token_required
from app.api.errors import named_as_inputs
from app.api.fields import (
    Date,
    Integer,
    List,
    Nested,
    Schema,
    bilingual_input,
    bilingual_pair,
    computed,
    identifier,
    text,
    url_field,
)
from app.campaigns.models import Campaign
from app.campaigns.public import forget_letter
from app.core.errors import NotFound
from app.extensions import db
from app.letters.models import (
    PUBLIC_LETTER_STATUSES,
    TEXT_LIMITS,
    TEXT_PARTS,
    Letter,
    LetterKind,
    LetterStatus,
    LetterVersion,
)
from app.letters.services import create_letter, save_letter
from app.letters.validation import PLACE_MAX
from app.letters.workflow import allowed_transitions, approve_changes, transition

#: The letter's bilingual inputs; a service's "body_ko" is the API's "body.ko".
BILINGUAL = (*TEXT_PARTS, "place")
LANGUAGE_CHOICES = ("en", "ko")
LOCK_VERSION_REQUIRED = _l(
    "Send the lock_version you read with the letter, so that no one else's save is overwritten."
)


def _input_fields(new):
    """The fields an editor sends; a new letter needs a title in English or Korean."""
    suffix = "" if new else "Change"
    inputs = {
        part: Nested(
            bilingual_input(
                f"Letter{part.title().replace('_', '')}{suffix}",
                TEXT_LIMITS[part],
                one_required=new and part == "title",
                description="Markdown: no HTML, no images." if part == "body" else None,
            ),
            required=new and part == "title",
        )
        for part in TEXT_PARTS
    }
    return {
        **inputs,
        "place": Nested(bilingual_input(f"LetterPlace{suffix}", PLACE_MAX)),
        "template": text(100, metadata={"description": "A folder of letter_templates/, e.g. formal"}),
        "kind": text(choices=LetterKind),
        "single_language": text(choices=LANGUAGE_CHOICES, allow_none=True),
        "letter_date": Date(allow_none=True),
        "recipient_ids": List(identifier()),
    }


NewLetterSchema = Schema.from_dict(_input_fields(new=True), name="NewLetterSchema")
LetterChangesSchema = Schema.from_dict(
    {
        **_input_fields(new=False),
        "lock_version": Integer(
            required=True,
            error_messages={"required": LOCK_VERSION_REQUIRED},
            metadata={"description": "The lock_version read with the letter; a stale one is a 409."},
        ),
    },
    name="LetterChangesSchema",
)


def _texts_out():
    return {part: bilingual_pair(part) for part in TEXT_PARTS}


LetterSchema = Schema.from_dict(
    {
        "id": Integer(required=True),
        "campaign_id": Integer(required=True),
        "slug": fields.String(required=True),
        "kind": text(choices=LetterKind, required=True),
        "status": text(choices=LetterStatus, required=True),
        "template": fields.String(required=True),
        "single_language": text(choices=LANGUAGE_CHOICES, allow_none=True, required=True),
        "letter_date": fields.Date(allow_none=True, required=True),
        "place": bilingual_pair("place"),
        **_texts_out(),
        "recipient_ids": computed(
            fields.List(Integer(), required=True),
            lambda letter: [link.recipient_id for link in letter.recipient_links],
        ),
        "lock_version": Integer(required=True, metadata={"description": "Send it back with PATCH."}),
        "current_version": computed(
            Integer(allow_none=True, required=True),
            lambda letter: letter.current_version.number if letter.current_version else None,
        ),
        "allowed_transitions": computed(
            fields.List(text(choices=LetterStatus), required=True), allowed_transitions
        ),
        "url": url_field(lambda letter: url_for("api.get_letter", letter_id=letter.id, _external=True)),
    },
    name="LetterSchema",
)

LetterVersionSchema = Schema.from_dict(
    {
        "number": Integer(required=True),
        "content_hash": fields.String(required=True, metadata={"pattern": "^[0-9a-f]{64}$"}),
        "frozen_at": fields.DateTime(required=True),
        "letter_date": fields.Date(allow_none=True, required=True),
        **_texts_out(),
    },
    name="LetterVersionSchema",
)


class LetterVersionListSchema(Schema):
    items = fields.List(fields.Nested(LetterVersionSchema), required=True)


class TransitionSchema(Schema):
    to = text(choices=LetterStatus, required=True)


class ApprovalSchema(Schema):
    lock_version = Integer(
        required=True,
        error_messages={"required": LOCK_VERSION_REQUIRED},
        metadata={"description": "The lock_version of the draft the approver reviewed."},
    )


def _flatten(data):
    """The API's {"title": {"en", "ko"}} as the service's title_en / title_ko keys."""
    flat = {key: value for key, value in data.items() if key not in BILINGUAL}
    for part in BILINGUAL:
        for lang, value in data.get(part, {}).items():
            flat[f"{part}_{lang}"] = value
    return flat


def letter_or_not_found(letter_id, public=False):
    """The letter with this id; with `public`, only one the public may read."""
    letter = db.session.get(Letter, letter_id)
    if letter is None or (public and letter.status not in PUBLIC_LETTER_STATUSES):
        raise NotFound(_("No letter with this id."))
    return letter


def _letter_change(rule, arguments, method="POST"):
    """An editor's change to one letter: `change(letter, data)` runs, the commit drops the letter's
    cached public pages, and the letter is the answer (404 for an unknown id, 409 on a conflict)."""

    def decorate(change):
        @bp.route(rule, methods=[method])
        @token_required("editor")
        @bp.arguments(arguments)
        @bp.response(200, LetterSchema)
        @bp.errors(404, 409)
        @wraps(change)
        def view(data, letter_id):
            letter = letter_or_not_found(letter_id)
            change(letter, data)
            db.session.commit()
            forget_letter(letter)
            return letter

        return view

    return decorate


@bp.route("/campaigns/<int:campaign_id>/letters", methods=["POST"])
@token_required("editor")
@bp.arguments(NewLetterSchema)
@bp.response(201, LetterSchema)
@bp.errors(404)
def post_letter(data, campaign_id):
    """Create a letter as a draft (editor or admin)"""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_("No campaign with this id."))
    with named_as_inputs(BILINGUAL):
        letter = create_letter(campaign, _flatten(data), actor=g.api_user)
    db.session.commit()
    return letter, 201, {"Location": url_for("api.get_letter", letter_id=letter.id)}


@bp.route("/letters/<int:letter_id>", methods=["GET"])
@token_required("viewer")
@bp.response(200, LetterSchema)
@bp.errors(404)
def get_letter(letter_id):
    """A letter with its draft text"""
    return letter_or_not_found(letter_id)


@_letter_change("/letters/<int:letter_id>", LetterChangesSchema, method="PATCH")
def patch_letter(letter, data):
    """Save changes (a new revision; a new version if the letter is open)"""
    data = _flatten(data)
    lock_version = data.pop("lock_version")
    with named_as_inputs(BILINGUAL):
        save_letter(letter, data, actor=g.api_user, lock_version=lock_version, partial=True)


@bp.route("/letters/<int:letter_id>/versions", methods=["GET"])
@token_required("viewer")
@bp.response(200, LetterVersionListSchema)
@bp.errors(404)
def list_versions(letter_id):
    """The frozen versions people signed, oldest first"""
    letter = letter_or_not_found(letter_id)
    versions = db.session.scalars(
        sa.select(LetterVersion).where(LetterVersion.letter_id == letter.id).order_by(LetterVersion.number)
    )
    return {"items": list(versions)}


@_letter_change("/letters/<int:letter_id>/transitions", TransitionSchema)
def post_transition(letter, data):
    """Move the letter through its workflow"""
    with named_as_inputs(BILINGUAL):
        transition(letter, data["to"], g.api_user)


@_letter_change("/letters/<int:letter_id>/approval", ApprovalSchema)
def post_approval(letter, data):
    """Publish an open letter's saved changes as its next version (a second editor, or an admin)"""
    approve_changes(letter, g.api_user, data["lock_version"])
