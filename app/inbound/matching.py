"""Which delivery a message answers, and why: plus-address, In-Reply-To, References, subject tag,
and last the sender's domain learned from the recipient's earlier replies."""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from app.deliveries.models import Delivery
from app.deliveries.reply_address import token_from_address
from app.extensions import db
from app.inbound.learned import by_learned_domain
from app.inbound.parsing import ADDRESS_HEADERS

#: The reference tag outgoing subjects may carry: [UNDERSIGNED-<first 10 hex digits of the token>].
TAG = re.compile(r"\[UNDERSIGNED-([0-9A-Fa-f]{10})\]")
TAG_LENGTH = 10


@dataclass(frozen=True)
class Match:
    """Where a message goes (delivery None: the holding pen) and why."""

    delivery: Delivery | None
    reason: str


def reference_tag(delivery):
    """The subject tag that names this delivery."""
    return f"[UNDERSIGNED-{delivery.reply_token[:TAG_LENGTH].upper()}]"


def _is_reply_address(address):
    local, _at, domain = current_app.config["REPLY_TO_ADDRESS"].rpartition("@")
    mine_local, at, mine_domain = address.rpartition("@")
    return (
        bool(at)
        and mine_domain.lower() == domain.lower()
        and mine_local.lower().startswith(local.lower() + "+")
    )


def by_address(parsed):
    """The delivery whose reply address the message was sent to; a forged one holds the message."""
    for header in ADDRESS_HEADERS:
        for address in parsed.addresses.get(header, []):
            token = token_from_address(address)
            if token:
                delivery = db.session.scalar(sa.select(Delivery).where(Delivery.reply_token == token))
                if delivery is None:
                    return Match(None, f"{header} {address}: a reply address of no delivery")
                return Match(delivery, f"{header} {address}: the reply address of delivery {delivery.id}")
            if _is_reply_address(address):
                return Match(None, f"{header} {address}: a reply address whose code is wrong (forged?)")
    return None


def by_message_ids(ids, header):
    """The delivery whose Message-ID is among `ids` (the latest named first)."""
    wanted = [value for value in reversed(ids)] + [value.strip("<>") for value in reversed(ids)]
    if not wanted:
        return None
    found = {
        d.message_id: d
        for d in db.session.scalars(sa.select(Delivery).where(Delivery.message_id.in_(wanted)))
    }
    for value in wanted:
        if value in found:
            return Match(found[value], f"{header} {value}: the Message-ID of delivery {found[value].id}")
    return None


def by_tag(subject):
    match = TAG.search(subject or "")
    if not match:
        return None
    prefix = match.group(1).lower()
    found = db.session.scalars(
        sa.select(Delivery).where(Delivery.reply_token.startswith(prefix)).limit(2)
    ).all()
    if len(found) != 1:
        return None
    return Match(found[0], f"subject tag {match.group(0)}: delivery {found[0].id}")


def match_reply(parsed):
    """The delivery a reply answers, or the holding pen, with the reason either way."""
    matched = by_address(parsed)
    if matched:
        return matched
    matched = (
        by_message_ids(parsed.in_reply_to, "In-Reply-To")
        or by_message_ids(parsed.references, "References")
        or by_tag(parsed.subject)
    )
    if matched:
        return matched
    learned = by_learned_domain(parsed)
    if learned:
        return Match(*learned)
    return Match(None, "no reply address, In-Reply-To, References or subject tag of ours")


def match_dsn(parsed):
    """The delivery a status notification reports on: its envelope id (the token) or Message-ID."""
    report = parsed.dsn
    if report.envelope_id:
        delivery = db.session.scalar(sa.select(Delivery).where(Delivery.reply_token == report.envelope_id))
        if delivery:
            return Match(delivery, f"Original-Envelope-Id {report.envelope_id}: delivery {delivery.id}")
    if report.original_message_id:
        matched = by_message_ids([report.original_message_id], "returned Message-ID")
        if matched:
            return matched
    return by_address(parsed) or Match(None, "a status notification about no delivery of ours")
