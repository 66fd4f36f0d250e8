"""API: plan deliveries one by one or as a batch, move them through their states, read their history."""

import sqlalchemy as sa
from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from app.api import bp
from app.api.auth import token_required
from app.api.errors import Error
from app.api.fields import (
    Integer,
    List,
    Nested,
    PageQuery,
    Schema,
    computed,
    identifier,
    page_of,
    text,
    url_field,
)
from app.api.letters import letter_or_not_found
from app.api.recipients import recipient_input
from app.api.responses import ResponseSummarySchema
from app.auth.permissions import can
from app.core.downloads import attachment
from app.core.errors import NotFound
from app.core.pagination import paginate
from app.deliveries.display import actions, actor_name, redact
from app.deliveries.evidence import ZIP_TYPE, evidence_pack
from app.deliveries.models import ActorKind, Channel, Delivery, DeliveryBatch, DeliveryStatus
from app.deliveries.planning import plan_batch, plan_delivery, transition
from app.deliveries.progress import batch_counts
from app.deliveries.queueing import hand_over, reply_address, work_after_commit
from app.documents.models import DocumentLanguage
from app.extensions import db
from app.letters.models import LetterVersion
from app.responses.display import responses_to

SHA256 = {"pattern": "^[0-9a-f]{64}$"}
#: Deliveries one batch may plan at once.
BATCH_MAX = 500


def _editor():
    return can(g.api_user, "see_contacts", g.get("campaign_id"))


class DeliveryInputSchema(Schema):
    recipient_id = identifier(required=True)
    channel = text(choices=Channel, required=True)
    language = text(choices=DocumentLanguage, required=True, metadata={"description": "en, ko or both"})
    send_at = fields.DateTime(
        allow_none=True,
        load_default=None,
        metadata={"description": "When to send (UTC when no offset is given); empty: as soon as queued"},
    )
    resend = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Confirm a second delivery to a recipient already planned for or delivered to"
        },
    )


class BatchInputSchema(Schema):
    deliveries = List(
        Nested(DeliveryInputSchema),
        required=True,
        validate=validate.Length(min=1, max=BATCH_MAX, error=_l("From 1 to %(n)d deliveries.", n=BATCH_MAX)),
    )
    note = text(500)


class DeliveryTransitionSchema(Schema):
    to = text(choices=DeliveryStatus, required=True)
    detail = text(1000, metadata={"description": "Why: recorded in the delivery's history"})


class EventSchema(Schema):
    at = fields.DateTime(attribute="created_at", required=True)
    from_status = text(choices=DeliveryStatus, allow_none=True, required=True, data_key="from")
    to_status = text(choices=DeliveryStatus, required=True, data_key="to")
    actor_kind = text(choices=ActorKind, required=True)
    actor = computed(fields.String(required=True), actor_name)
    attempt = Integer(required=True)
    detail = computed(fields.String(required=True), lambda e: redact(e.detail, e.delivery, _editor()))


def _document_field(getter, **metadata):
    return computed(fields.String(allow_none=True, required=True, metadata=metadata), getter)


def _sha256(delivery):
    document = delivery.document
    return delivery.document_sha256 or (
        document.sha256 if document is not None and document.is_ready else None
    )


def _pdf_url(delivery):
    document = delivery.document
    if document is None or not document.is_ready:
        return None
    return url_for("documents.document_pdf", token=document.token, _external=True)


_SUMMARY = {
    "id": Integer(required=True),
    "letter_id": Integer(required=True),
    "recipient_id": Integer(required=True),
    "batch_id": Integer(allow_none=True, required=True),
    "channel": text(choices=Channel, required=True),
    "language": text(choices=DocumentLanguage, required=True),
    "status": text(choices=DeliveryStatus, required=True),
    "send_at": fields.DateTime(allow_none=True, required=True),
    "is_resend": fields.Boolean(required=True),
    "url": url_field(lambda d: url_for("api.get_delivery", delivery_id=d.id, _external=True)),
}
DeliverySummarySchema = Schema.from_dict(_SUMMARY, name="DeliverySummarySchema")
DeliverySchema = Schema.from_dict(
    {
        **_SUMMARY,
        "version": computed(Integer(allow_none=True, required=True), lambda d: _version_number(d.version_id)),
        "document_id": _document_field(
            lambda d: d.document.token if d.document is not None else None,
            description="The document's id, as in GET /documents/{token}; fixed when queued",
        ),
        "document_sha256": _document_field(_sha256, **SHA256),
        "document_url": _document_field(_pdf_url, format="uri", description="The PDF's permanent link"),
        "message_id": fields.String(allow_none=True, required=True),
        "reply_address": computed(fields.String(allow_none=True, required=True), reply_address),
        "destination": computed(
            fields.String(
                allow_none=True, required=True, metadata={"description": "Editors and admins only"}
            ),
            lambda d: d.destination if _editor() else None,
        ),
        "attempts": Integer(required=True),
        "failure_reason": fields.String(required=True),
        "sent_at": fields.DateTime(allow_none=True, required=True),
        "delivered_at": fields.DateTime(allow_none=True, required=True),
        "created_at": fields.DateTime(required=True),
        "allowed_transitions": computed(
            fields.List(text(choices=DeliveryStatus), required=True),
            lambda d: [str(state) for state, _label in actions(d)],
        ),
        "history": List(Nested(EventSchema), attribute="events", required=True),
        "responses": computed(List(Nested(ResponseSummarySchema), required=True), responses_to),
    },
    name="DeliverySchema",
)
DeliveryPageSchema = page_of(DeliverySummarySchema, "DeliveryPageSchema")

_COUNTS = {str(s): Integer(required=True) for s in DeliveryStatus}
BatchCountsSchema = Schema.from_dict(
    {**_COUNTS, "answered": Integer(required=True), "total": Integer(required=True)},
    name="BatchCountsSchema",
)


class BatchSchema(Schema):
    id = Integer(required=True)
    letter_id = Integer(required=True)
    note = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    counts = computed(Nested(BatchCountsSchema, required=True), batch_counts)
    deliveries = List(Nested(DeliverySummarySchema), required=True)
    url = url_field(lambda b: url_for("api.get_delivery_batch", batch_id=b.id, _external=True))


def _version_number(version_id):
    version = db.session.get(LetterVersion, version_id) if version_id else None
    return version.number if version is not None else None


def _delivery_or_not_found(delivery_id):
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound(_("No delivery with this id."))
    return delivery


@bp.route("/letters/<int:letter_id>/deliveries", methods=["POST"])
@token_required("editor")
@bp.arguments(DeliveryInputSchema)
@bp.response(201, DeliverySchema)
@bp.errors(404, 409)
def post_delivery(data, letter_id):
    """Plan a delivery of the letter's current version to one recipient (editor or admin)"""
    letter = letter_or_not_found(letter_id)
    recipient = recipient_input(data.pop("recipient_id"), "recipient_id")
    delivery = plan_delivery(letter, recipient, actor=g.api_user, **data)
    db.session.commit()
    return delivery, 201, {"Location": url_for("api.get_delivery", delivery_id=delivery.id)}


@bp.route("/letters/<int:letter_id>/deliveries", methods=["GET"])
@token_required("viewer")
@bp.arguments(PageQuery, location="query")
@bp.response(200, DeliveryPageSchema)
@bp.errors(404)
def list_deliveries(query, letter_id):
    """The letter's deliveries, oldest first"""
    letter = letter_or_not_found(letter_id)
    return paginate(
        sa.select(Delivery).where(Delivery.letter_id == letter.id).order_by(Delivery.id), query["page"]
    )


@bp.route("/deliveries/<int:delivery_id>", methods=["GET"])
@token_required("viewer")
@bp.response(200, DeliverySchema)
@bp.errors(404)
def get_delivery(delivery_id):
    """A delivery: its state, history and document; the destination for editors only"""
    return _delivery_or_not_found(delivery_id)


@bp.route("/deliveries/<int:delivery_id>/evidence", methods=["GET"])
@token_required("editor")
@bp.alt_response(
    200,
    schema={"type": "string", "format": "binary"},
    content_type=ZIP_TYPE,
    description="The evidence pack: the PDF as delivered, its signatory list, the channel's proof, "
    "the timeline, a signed summary PDF and a manifest of SHA-256 hashes",
    success=True,
)
@bp.errors(404)
@bp.alt_response(
    409, schema=Error, description="No delivered PDF yet (a planned delivery), or no longer stored"
)
def get_delivery_evidence(delivery_id):
    """A delivery's evidence pack, as a ZIP"""
    name, data = evidence_pack(_delivery_or_not_found(delivery_id))
    return attachment(data, ZIP_TYPE, name)


@bp.route("/deliveries/<int:delivery_id>/transitions", methods=["POST"])
@token_required("editor")
@bp.arguments(DeliveryTransitionSchema)
@bp.response(200, DeliverySchema)
@bp.errors(404, 409)
def post_delivery_transition(data, delivery_id):
    """Move a delivery as a person decides; 409 where the state machine forbids it"""
    delivery = _delivery_or_not_found(delivery_id)
    transition(delivery, data["to"], g.api_user, detail=(data.get("detail") or "").strip())
    work = work_after_commit([delivery])
    db.session.commit()
    hand_over(work)
    return db.session.get(Delivery, delivery_id)


@bp.route("/letters/<int:letter_id>/delivery-batches", methods=["POST"])
@token_required("editor")
@bp.arguments(BatchInputSchema)
@bp.response(201, BatchSchema)
@bp.errors(404, 409)
def post_delivery_batch(data, letter_id):
    """Plan several deliveries together as one batch (editor or admin)"""
    letter = letter_or_not_found(letter_id)
    items = []
    for index, item in enumerate(data["deliveries"]):
        item = dict(item)
        item["recipient"] = recipient_input(item.pop("recipient_id"), f"deliveries.{index}.recipient_id")
        items.append(item)
    batch = plan_batch(letter, items, g.api_user, note=data.get("note", ""))
    db.session.commit()
    return batch, 201, {"Location": url_for("api.get_delivery_batch", batch_id=batch.id)}


@bp.route("/delivery-batches/<int:batch_id>", methods=["GET"])
@token_required("viewer")
@bp.response(200, BatchSchema)
@bp.errors(404)
def get_delivery_batch(batch_id):
    """A batch: its deliveries counted by state, answers included, and each delivery"""
    batch = db.session.get(DeliveryBatch, batch_id)
    if batch is None:
        raise NotFound(_("No batch with this id."))
    return batch
