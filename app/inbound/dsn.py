"""Delivery status notifications (RFC 3464): what happened to which message we sent."""

import email
import email.policy
import re
from dataclasses import dataclass

from app.inbound.charsets import decode_bytes

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class DsnReport:
    action: str  # delivered, failed, delayed, relayed, expanded
    status: str = ""
    diagnostic: str = ""
    recipient: str = ""
    envelope_id: str = ""
    original_message_id: str = ""


def read_dsn(message):
    """The report of a multipart/report; report-type=delivery-status message, or None."""
    if message.get_content_type() != "multipart/report":
        return None
    if (message.get_param("report-type") or "").lower() != "delivery-status":
        return None
    fields, original = {}, ""
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            fields = _status_fields(part)
        elif ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            original = original or _original_id(part)
    if not fields.get("action"):
        return None
    return DsnReport(
        action=fields["action"].split()[0].lower(),
        status=fields.get("status", ""),
        diagnostic=fields.get("diagnostic-code", ""),
        recipient=fields.get("final-recipient", fields.get("original-recipient", "")),
        envelope_id=fields.get("original-envelope-id", ""),
        original_message_id=original,
    )


def _blocks_text(part):
    payload = part.get_payload()
    if isinstance(payload, list):
        return "\n\n".join(block.as_string() for block in payload)
    data = part.get_payload(decode=True) or b""
    return decode_bytes(data)


def _status_fields(part):
    """The per-message fields and the first recipient's that carries an Action, lowercased names."""
    fields, has_action = {}, False
    for block in re.split(r"\r?\n\s*\r?\n", _blocks_text(part)):
        found = {}
        for line in re.sub(r"\r?\n[ \t]+", " ", block).splitlines():
            name, colon, value = line.partition(":")
            if colon:
                found[name.strip().lower()] = value.strip()
        if "action" in found and has_action:
            continue
        has_action = has_action or "action" in found
        fields.update(found)
    return fields


def _original_id(part):
    payload = part.get_payload()
    if isinstance(payload, list) and payload:
        value = payload[0].get("Message-ID", "") or ""
    else:
        data = part.get_payload(decode=True) or b""
        headers = email.message_from_bytes(data, policy=email.policy.compat32)
        value = headers.get("Message-ID", "") or ""
    ids = _MESSAGE_ID.findall(str(value))
    return ids[0] if ids else ""
