"""Whether a reply was written by a machine, and why: its headers, the automatic reply learned from the
same recipient or sender before, or its timing (minutes after the send, with a short or typical body)."""

import re
from datetime import UTC, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.responses.models import Response, ResponseClassification

#: A body of at most this many characters, arriving soon after the send, is taken for an automatic one.
SHORT_BODY = 300
#: A learned template shorter than this (once normalized) proves nothing.
MIN_TEMPLATE = 20
#: Earlier automatic replies compared with a new message.
LEARNED_LIMIT = 50
#: Clocks disagree: a reply dated this long before the send still counts as after it.
CLOCK_SKEW = timedelta(minutes=2)
TYPICAL = re.compile(
    r"automatic(ally)? (reply|response|generated|sent)|auto[- ]?reply|do not reply|no[- ]?reply"
    r"|(has|have) been received|(we|i) (have )?received your|receipt of your|out of (the )?office"
    r"|away from (the |my )?(office|desk)|this (mailbox|address) is not monitored"
    r"|자동\s?(회신|응답|답장|발송|발신)|부재\s?중|접수\s?(되었|하였|완료|처리)|회신하지\s?마|발신\s?전용",
    re.IGNORECASE,
)
#: Where a reply's own text ends and a quoted message begins.
_QUOTE_START = re.compile(
    r"^\s*(-{2,}\s*(original message|원본 메시지|forwarded message)|on .{1,200} wrote:$)", re.I | re.M
)
_NOT_WORD = re.compile(r"[^\w#]+")


def normalized(text):
    """The text as a template: its own part (no quotes), lower case, digits as #, words only."""
    text = _QUOTE_START.split(text or "", maxsplit=1)[0]
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    folded = re.sub(r"\d", "#", " ".join(lines).lower())
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _aware(moment):
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def by_template(parsed, delivery):
    """The reason when the body is the automatic reply learned from the recipient or sender, or ""."""
    mine = normalized(parsed.text)
    if len(mine) < MIN_TEMPLATE:
        return ""
    same = [Response.recipient_id == delivery.recipient_id]
    if parsed.sender:
        same.append(sa.func.lower(Response.sender) == parsed.sender.lower())
    earlier = db.session.scalars(
        sa.select(Response)
        .where(Response.classification == ResponseClassification.AUTOMATIC_REPLY, sa.or_(*same))
        .order_by(Response.received_on.desc(), Response.id.desc())
        .limit(LEARNED_LIMIT)
    ).all()
    for response in earlier:
        if normalized(response.text) == mine:
            return f"matches the automatic reply learned from {response.received_on.isoformat()}"
    return ""


def by_timing(parsed, delivery, arrived_at):
    """The reason when it came within AUTO_REPLY_MINUTES of the send, short or in typical words."""
    sent, arrived = _aware(delivery.sent_at), _aware(arrived_at)
    if sent is None or arrived is None or parsed.attachments:
        return ""
    window = timedelta(minutes=current_app.config["AUTO_REPLY_MINUTES"])
    if not sent - CLOCK_SKEW <= arrived <= sent + window:
        return ""
    minutes = max(0, int((arrived - sent).total_seconds() // 60))
    after = f"arrived {minutes} min after the delivery was sent"
    typical = TYPICAL.search(f"{parsed.subject}\n{parsed.text}")
    if typical:
        return f"{after}, with typical words ({typical.group(0)!r})"
    length = len(" ".join(parsed.text.split()))
    return f"{after}, with a short body ({length} characters)" if length <= SHORT_BODY else ""


def automatic_reason(parsed, delivery, arrived_at):
    """Why the reply filed to `delivery` is automatic, or "" when a person wrote it."""
    if parsed.auto_reply:
        return parsed.auto_reply
    return by_template(parsed, delivery) or by_timing(parsed, delivery, arrived_at)
