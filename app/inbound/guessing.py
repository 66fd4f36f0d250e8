"""Best guesses for a held message, each with its reason: the sender's domain, the subject, quoted text."""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.deliveries.covers import cover_text
from app.deliveries.models import Channel, Delivery
from app.extensions import db
from app.inbound.domains import learnable_domain
from app.inbound.models import InboundMessage, InboundStatus

#: Deliveries looked at for guesses: the latest sent by email.
CANDIDATES = 300
#: A line of our cover shorter than this proves nothing when quoted.
MIN_QUOTED = 20
MAX_GUESSES = 5
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True)
class Guess:
    delivery: Delivery
    reasons: tuple


def _fold(text):
    return " ".join((text or "").split()).lower()


def _quoted(text):
    """The lines a reply quotes ("> ..."), folded, or the whole text when nothing is marked."""
    lines = [line.lstrip("> ") for line in (text or "").splitlines() if line.startswith(">")]
    return _fold("\n".join(lines) or text)


def _cover_fragments(letter, lang):
    _subject, body = cover_text(letter, lang)
    pieces = (_fold(piece) for line in body.splitlines() for piece in _PLACEHOLDER.split(line))
    return [piece for piece in pieces if len(piece) >= MIN_QUOTED]


def _learned_domains():
    """Each recipient's sender domains seen on replies filed to its deliveries before."""
    rows = db.session.execute(
        sa.select(Delivery.recipient_id, InboundMessage.sender)
        .join(InboundMessage, InboundMessage.delivery_id == Delivery.id)
        .where(InboundMessage.status == InboundStatus.FILED, InboundMessage.kind.in_(("reply", "auto_reply")))
        .distinct()
    )
    learned = {}
    for recipient_id, sender in rows:
        domain = learnable_domain(sender)
        if domain:
            learned.setdefault(recipient_id, set()).add(domain)
    return learned


def _reasons(delivery, sender_domain, subject, quoted, covers, learned):
    reasons = []
    domains = {email.rpartition("@")[2].lower() for email in delivery.recipient.emails or []}
    if sender_domain and sender_domain in domains:
        reasons.append(("domain", sender_domain))
    elif sender_domain and sender_domain in learned.get(delivery.recipient_id, ()):
        reasons.append(("learned", sender_domain))
    letter = delivery.letter
    titles = [t for t in (letter.title_en, letter.title_ko) if t and len(t) >= 3]
    if any(_fold(title) in subject for title in titles):
        reasons.append(("subject", next(t for t in titles if _fold(t) in subject)))
    key = (letter.id, str(delivery.language))
    if key not in covers:
        langs = ("en", "ko") if str(delivery.language) == "both" else (str(delivery.language),)
        covers[key] = [fragment for lang in langs for fragment in _cover_fragments(letter, lang)]
    if quoted and any(fragment in quoted for fragment in covers[key]):
        reasons.append(("quoted", ""))
    return reasons


def guesses(parsed):
    """Up to MAX_GUESSES deliveries the message may answer, the best first, each with its reasons."""
    if parsed is None:
        return []
    sender_domain = learnable_domain(parsed.sender)
    subject, quoted, covers = _fold(parsed.subject), _quoted(parsed.text), {}
    deliveries = db.session.scalars(
        sa.select(Delivery)
        .where(Delivery.channel == Channel.EMAIL, Delivery.message_id.is_not(None))
        .options(selectinload(Delivery.recipient), selectinload(Delivery.letter))
        .order_by(Delivery.id.desc())
        .limit(CANDIDATES)
    ).all()
    found, learned = [], _learned_domains()
    for delivery in deliveries:
        reasons = _reasons(delivery, sender_domain, subject, quoted, covers, learned)
        if reasons:
            found.append(Guess(delivery, tuple(reasons)))
    # The sender's own domain, or one learned for the recipient, goes first among equals.
    found.sort(key=lambda guess: (-len(guess.reasons), guess.reasons[0][0] not in ("domain", "learned")))
    return found[:MAX_GUESSES]
