"""API: log a letter's response from a recipient, read one back (staff read private ones too)."""

from flask import g, url_for
from flask_babel import gettext as _
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
from app.api.letters import letter_or_not_found
from app.auth.permissions import can
from app.core.errors import NotFound
from app.extensions import db
from app.responses.models import Response, ResponseChannel, ResponseClassification, ResponseSource
from app.responses.services import REFERENCE_MAX, SUMMARY_MAX, TEXT_MAX, log_response

Summary = bilingual_input("ResponseSummaryText", SUMMARY_MAX, one_required=True)


class ResponseInputSchema(Schema):
    recipient_id = identifier(required=True)
    delivery_id = identifier(
        allow_none=True, load_default=None, metadata={"description": "The delivery it answers, if any"}
    )
    received_on = Date(required=True)
    channel = text(choices=ResponseChannel, required=True)
    classification = text(choices=ResponseClassification, required=True)
    summary = Nested(Summary, required=True)
    full_text = text(
        TEXT_MAX, data_key="text", load_default="", metadata={"description": "The full text, as received"}
    )
    reference = text(REFERENCE_MAX, load_default="", metadata={"description": "The body's reference number"})
    is_public = fields.Boolean(load_default=False)


class AttachmentSchema(Schema):
    id = Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = Integer(required=True)
    sha256 = fields.String(required=True)
    is_public = fields.Boolean(required=True)
    url = url_field(
        lambda a: url_for("responses.download", response_id=a.response_id, attachment_id=a.id, _external=True)
    )


def _responder(response):
    if response.source != ResponseSource.RECIPIENT:
        return None
    if not (response.is_public or g.api_user.has_role("editor")):
        return None
    return ", ".join(part for part in (response.responder_name, response.responder_title) if part)


_SUMMARY = {
    "id": Integer(required=True),
    "received_on": Date(required=True),
    "classification": text(choices=ResponseClassification, required=True),
    "summary": bilingual_pair("summary"),
    "is_public": fields.Boolean(required=True),
    "url": url_field(lambda r: url_for("api.get_response", response_id=r.id, _external=True)),
}
ResponseSummarySchema = Schema.from_dict(_SUMMARY, name="ResponseSummarySchema")
ResponseSchema = Schema.from_dict(
    {
        **_SUMMARY,
        "letter_id": Integer(required=True),
        "recipient_id": Integer(allow_none=True, required=True),
        "delivery_id": Integer(allow_none=True, required=True),
        "delivery_ids": List(
            Integer(),
            required=True,
            metadata={"description": "Every delivery it answers: delivery_id first, then further ones"},
        ),
        "channel": text(choices=ResponseChannel, required=True),
        "text": fields.String(required=True),
        "reference": fields.String(required=True),
        "subject": fields.String(required=True),
        "sender": computed(
            fields.String(
                allow_none=True, required=True, metadata={"description": "Editors and admins only"}
            ),
            lambda r: r.sender if can(g.api_user, "see_contacts", r.letter.campaign_id) else None,
        ),
        "source": text(choices=ResponseSource, required=True),
        "responder": computed(
            fields.String(
                allow_none=True,
                required=True,
                metadata={"description": "Who answered through the right of reply; editors, or when public"},
            ),
            _responder,
        ),
        "attachments": List(Nested(AttachmentSchema), required=True),
        "created_at": fields.DateTime(required=True),
    },
    name="ResponseSchema",
)


def _data(body):
    summary, full_text = body.pop("summary"), body.pop("full_text")
    return {
        **body,
        "text": full_text,
        "summary_en": summary.get("en") or "",
        "summary_ko": summary.get("ko") or "",
    }


@bp.route("/letters/<int:letter_id>/responses", methods=["POST"])
@token_required("editor")
@bp.arguments(ResponseInputSchema)
@bp.response(201, ResponseSchema)
@bp.errors(404)
def post_response(data, letter_id):
    """Log a response to the letter from one of its recipients (editor or admin)"""
    letter = letter_or_not_found(letter_id)
    with named_as_inputs({"summary"}):
        response = log_response(letter, _data(data), g.api_user)
    db.session.commit()
    return response, 201, {"Location": url_for("api.get_response", response_id=response.id)}


@bp.route("/responses/<int:response_id>", methods=["GET"])
@token_required("viewer")
@bp.response(200, ResponseSchema)
@bp.errors(404)
def get_response(response_id):
    """A response, public or private, with its attachments; the sender for editors only"""
    response = db.session.get(Response, response_id)
    if response is None:
        raise NotFound(_("No response with this id."))
    return response
