"""Filing one received message: a response on its delivery, a status notification, or the holding pen."""

import logging

from flask import current_app

from app.core import audit
from app.core.timeutil import utcnow
from app.deliveries.models import DeliveryStatus
from app.deliveries.states import can_move
from app.inbound.acknowledgements import acknowledge
from app.inbound.auto_replies import automatic_reason
from app.inbound.matching import match_dsn, match_reply
from app.inbound.models import InboundStatus
from app.inbound.names import safe_filename
from app.inbound.parsing import ParsedMessage, parse_message
from app.inbound.storage import store_file
from app.responses.attachments import HANGUL_TYPES
from app.responses.hangul import extracted_text, hangul_kind
from app.responses.linking import become_primary
from app.responses.models import Response, ResponseAttachment, ResponseChannel, ResponseClassification
from app.timeline.proposals import propose_for_response

log = logging.getLogger(__name__)

#: The raw email, kept as the response's attachment.
EML_TYPE = "message/rfc822"
SUMMARY_MAX = 500


def file_message(inbound):
    """File `inbound` (status received): filed to a delivery or held, with the reason. Flushes only."""
    limit = current_app.config["INBOUND_MAX_BYTES"]
    if inbound.size > limit:
        return hold(
            inbound, "too_large", f"{inbound.size} bytes, more than INBOUND_MAX_BYTES ({limit}): not read"
        )
    parsed = parse_message(inbound.raw)
    if parsed.error:
        return hold(inbound, "unparseable", parsed.error)
    inbound.sender = parsed.sender[:998]
    inbound.subject = parsed.subject
    inbound.message_id = inbound.message_id or parsed.message_id[:998]
    if parsed.dsn:
        return _file_dsn(inbound, parsed)
    matched = match_reply(parsed)
    if matched.delivery is None:
        return hold(inbound, "auto_reply" if parsed.is_auto_reply else "reply", matched.reason)
    arrived = parsed.date or inbound.received_at or utcnow()
    automatic = automatic_reason(parsed, matched.delivery, arrived)
    reason = matched.reason + (f"; automatic reply ({automatic})" if automatic else "")
    inbound.response = make_response(matched.delivery, parsed, inbound.raw, automatic=bool(automatic))
    if automatic:
        acknowledge(matched.delivery, inbound.response, arrived)
    return _filed(inbound, matched.delivery, "auto_reply" if automatic else "reply", reason)


def readable(inbound):
    """The parsed message, or None when it is too large to read or cannot be read."""
    limit = current_app.config["INBOUND_MAX_BYTES"]
    if inbound.size > limit:
        return None
    parsed = parse_message(inbound.raw)
    return None if parsed.error else parsed


def assign_message(inbound, delivery, actor):
    """Staff file a held message to `delivery`: it becomes a response there. Flushes only."""
    parsed = readable(inbound) or ParsedMessage(subject=inbound.subject)
    automatic = parsed.is_auto_reply or inbound.kind == "auto_reply"
    inbound.response = make_response(delivery, parsed, inbound.raw, automatic=automatic)
    if automatic:
        acknowledge(delivery, inbound.response, parsed.date or inbound.received_at or utcnow())
    return _filed(
        inbound,
        delivery,
        inbound.kind or "reply",
        f"assigned by staff ({actor.email}); held: {inbound.reason}",
        actor,
    )


def move_message(inbound, delivery, actor):
    """Staff move a filed reply (and its response) to another delivery. Flushes only."""
    response = inbound.response
    if response is not None:
        become_primary(response, delivery)
        response.delivery_id, response.letter_id = delivery.id, delivery.letter_id
        response.recipient_id = delivery.recipient_id
    before = inbound.delivery_id
    inbound.delivery = delivery
    inbound.reason = f"moved by staff ({actor.email}) from delivery {before}; filed: {inbound.reason}"
    audit.record(
        "inbound.move",
        inbound,
        actor=actor,
        campaign=delivery.letter.campaign_id,
        before={"delivery_id": before},
        after={"delivery_id": delivery.id},
    )
    log.info("inbound %s moved from delivery %s to %s", inbound.id, before, delivery.id)
    return inbound


def discard_message(inbound, actor):
    audit.record("inbound.discard", inbound, actor=actor, before={"status": str(inbound.status)})
    inbound.status = InboundStatus.DISCARDED
    inbound.reason = f"discarded by staff ({actor.email}); held: {inbound.reason}"
    log.info("inbound %s discarded by user %s", inbound.id, actor.id)
    return inbound


def hold(inbound, kind, reason):
    inbound.status, inbound.kind, inbound.reason = InboundStatus.HELD, kind, reason
    log.info("inbound %s held: %s", inbound.id, reason)
    return inbound


def _filed(inbound, delivery, kind, reason, actor=None):
    audit.record(
        "inbound.assign" if actor else "inbound.file",
        inbound,
        actor=actor,
        campaign=delivery.letter.campaign_id,
        before={"status": str(inbound.status)},
        after={"status": str(InboundStatus.FILED), "delivery_id": delivery.id, "kind": kind},
    )
    inbound.status, inbound.kind, inbound.reason = InboundStatus.FILED, kind, reason
    inbound.delivery, inbound.filed_at = delivery, utcnow()
    log.info("inbound %s filed to delivery %s: %s", inbound.id, delivery.id, reason)
    return inbound


def _summary(subject):
    hangul = any("\uac00" <= char <= "\ud7a3" for char in subject)
    return {"summary_ko" if hangul else "summary_en": subject[:SUMMARY_MAX]}


def _attach(response, data, filename, content_type):
    name, sha256 = store_file(data, ".eml" if content_type == EML_TYPE else "")
    hangul = hangul_kind(data, filename, content_type) if content_type != EML_TYPE else None
    if hangul is not None:  # mail programs send them as application/octet-stream, or worse
        content_type = HANGUL_TYPES[hangul][0]
    response.attachments.append(
        ResponseAttachment(
            filename=filename[:255],
            content_type=content_type[:100],
            size=len(data),
            sha256=sha256,
            storage_path=name,
            extracted_text=extracted_text(data, content_type),
        )
    )


def make_response(delivery, parsed, raw, automatic=None):
    """A response on `delivery` from a parsed reply: its attachments and the raw email stored.

    `automatic`: whether it is an automatic reply (None: as its headers say)."""
    automatic = parsed.is_auto_reply if automatic is None else automatic
    received = parsed.date or utcnow()
    response = Response(
        letter_id=delivery.letter_id,
        recipient_id=delivery.recipient_id,
        delivery_id=delivery.id,
        channel=ResponseChannel.EMAIL,
        classification=(
            ResponseClassification.AUTOMATIC_REPLY if automatic else ResponseClassification.SUBSTANTIVE
        ),
        received_on=received.date(),
        subject=parsed.subject[:998],
        sender=parsed.sender[:998],
        text=parsed.text,
        **_summary(parsed.subject),
    )
    limit = current_app.config["RESPONSE_ATTACHMENT_MAX_BYTES"]
    for attachment in parsed.attachments:
        if len(attachment.data) > limit:  # kept in the raw email below, not as a file of its own
            log.info("inbound attachment of %s bytes over the response limit", len(attachment.data))
            continue
        _attach(response, attachment.data, attachment.filename, attachment.content_type)
    _attach(response, raw, safe_filename(parsed.subject or "email")[:120] + ".eml", EML_TYPE)
    propose_for_response(response)
    return response


def _file_dsn(inbound, parsed):
    matched = match_dsn(parsed)
    report = parsed.dsn
    if matched.delivery is None:
        return hold(inbound, f"dsn_{report.action}"[:32], matched.reason)
    delivery = matched.delivery
    detail = report.diagnostic or report.status or report.action
    reason = f"{matched.reason}; Action: {report.action}" + (f", {detail}" if detail != report.action else "")
    if report.action == "delivered" and can_move(delivery, DeliveryStatus.DELIVERED):
        delivery.move_to(DeliveryStatus.DELIVERED, detail=f"delivery status notification: {detail}")
        delivery.delivered_at = parsed.date or utcnow()
    elif report.action == "failed" and can_move(delivery, DeliveryStatus.BOUNCED):
        delivery.move_to(DeliveryStatus.BOUNCED, detail=f"delivery status notification: {detail}")
        delivery.failure_reason, delivery.last_error = "bounced", detail
    elif report.action in ("delivered", "failed"):
        reason += f" (the delivery stays {delivery.status})"
    return _filed(inbound, delivery, f"dsn_{report.action}"[:32], reason)
