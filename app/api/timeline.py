"""API: a letter's timeline (public: accepted public events only) and new events (editors)."""

from flask import g
from flask_babel import gettext as _
from marshmallow import fields

from app.api import bp
from app.api.auth import token_required
from app.api.fields import (
    Date,
    Integer,
    List,
    Nested,
    Schema,
    bilingual_input,
    bilingual_pair,
    identifier,
    text,
)
from app.api.letters import letter_or_not_found
from app.campaigns.public import forget_letter
from app.core.errors import ValidationError
from app.deliveries.models import Delivery
from app.extensions import db
from app.responses.models import Response, StatusKind
from app.timeline.feed import forget_feed
from app.timeline.services import add_event, letter_events

NOTE_MAX = 10_000


class TimelineEventSchema(Schema):
    id = Integer(required=True)
    letter_id = Integer(required=True)
    kind = text(choices=StatusKind, required=True)
    occurred_on = fields.Date(required=True)
    title = bilingual_pair("title")
    note = bilingual_pair("description")
    reference = fields.String(required=True, metadata={"description": "The body's reference number"})
    new_due_on = fields.Date(required=True, allow_none=True)
    is_public = fields.Boolean(required=True)
    is_proposed = fields.Boolean(required=True)


class TimelineSchema(Schema):
    letter_id = Integer(required=True)
    events = List(Nested(TimelineEventSchema), required=True)


EventTitle = bilingual_input("EventTitle", 200)
EventNote = bilingual_input("EventNote", NOTE_MAX)


class TimelineEventInputSchema(Schema):
    kind = text(choices=StatusKind, required=True)
    occurred_on = Date(required=True)
    title = Nested(EventTitle, load_default=dict)
    note = Nested(EventNote, load_default=dict)
    reference = text(100, load_default="")
    new_due_on = Date(allow_none=True, load_default=None, metadata={"description": "On an extension"})
    is_public = fields.Boolean(load_default=False)
    delivery_id = identifier(allow_none=True, load_default=None, metadata={"description": "Evidence"})
    response_id = identifier(allow_none=True, load_default=None, metadata={"description": "Evidence"})


def _evidence(letter, data):
    """The delivery and the response given as evidence must belong to this letter."""
    for name, model in (("delivery_id", Delivery), ("response_id", Response)):
        if data.get(name) is None:
            continue
        row = db.session.get(model, data[name])
        if row is None or row.letter_id != letter.id:
            raise ValidationError(
                _("The evidence does not belong to this letter."), fields={name: _("Not of this letter.")}
            )


def _flat(data):
    flat = {
        k: data[k] for k in ("kind", "occurred_on", "reference", "is_public", "delivery_id", "response_id")
    }
    for lang, value in data["title"].items():
        flat[f"title_{lang}"] = value
    for lang, value in data["note"].items():
        flat[f"description_{lang}"] = value
    return flat


@bp.route("/letters/<int:letter_id>/timeline", methods=["GET"])
@bp.public
@bp.response(200, TimelineSchema)
@bp.errors(404)
def get_timeline(letter_id):
    """A letter's public timeline: accepted public events by date (public; no token)"""
    letter = letter_or_not_found(letter_id, public=True)
    return {"letter_id": letter.id, "events": letter_events(letter, public_only=True)}


@bp.route("/letters/<int:letter_id>/events", methods=["POST"])
@token_required("editor")
@bp.arguments(TimelineEventInputSchema)
@bp.response(201, TimelineEventSchema)
@bp.errors(404)
def post_event(data, letter_id):
    """Add an accepted event to a letter's timeline (editor or admin)"""
    letter = letter_or_not_found(letter_id)
    _evidence(letter, data)
    event = add_event(letter, _flat(data), actor=g.api_user)
    db.session.commit()
    forget_letter(letter)
    forget_feed(letter.campaign)
    return event, 201
