"""One poll of the mailbox: what is new since the last UID, stored raw with the new last UID in one flush."""

import hashlib
import logging
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.core.timeutil import utcnow
from app.extensions import db
from app.inbound import imap
from app.inbound.models import InboundMessage, InboundStatus, MailboxState

log = logging.getLogger(__name__)

#: The PostgreSQL advisory lock a poll holds until its commit: two polls never read at once.
POLL_LOCK = 0x696D6170  # "imap"
#: At most this many messages, and about this many bytes, per poll; the next beat reads on.
BATCH_MESSAGES = 50
BATCH_BYTES = 100 * 1024 * 1024
#: Added to the source of a message too big to keep whole: only its headers are stored.
HEADERS_ONLY = ":headers-only"


@dataclass
class Fetched:
    """One message as the server sent it."""

    uid: int
    raw: bytes
    size: int
    is_headers_only: bool = False


def take_poll_lock():
    """True if this transaction now holds the poll lock (until it ends); False if another poll has it.

    SQLite, for development, runs one writer at a time and has no such lock.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(POLL_LOCK))))


def mailbox_state(address):
    """The row recording how far this mailbox was read, created (flushed) on the first poll."""
    state = db.session.scalar(sa.select(MailboxState).where(MailboxState.mailbox == address.safe_url))
    if state is None:
        state = MailboxState(mailbox=address.safe_url, uidvalidity=0, last_uid=0)
        db.session.add(state)
        db.session.flush()
    return state


def fetch_new(client, state, uidvalidity, max_bytes):
    """The next batch of messages above the last UID read; all of them again when UIDVALIDITY changed."""
    last_uid = state.last_uid if state.uidvalidity == uidvalidity else 0
    fetched, total = [], 0
    for uid, size in imap.new_uids(client, last_uid)[:BATCH_MESSAGES]:
        if fetched and total + min(size, max_bytes) > BATCH_BYTES:
            break
        raw = imap.fetch(client, uid, "BODY.PEEK[HEADER]" if size > max_bytes else "BODY.PEEK[]")
        if raw is not None:  # expunged between the listing and the fetch
            fetched.append(Fetched(uid, raw, size, is_headers_only=size > max_bytes))
            total += len(raw)
    return fetched


def store_messages(state, mailbox, uidvalidity, fetched):
    """Store each fetched message not stored before (by SHA-256) and advance the state; flush.

    Returns the ids of the new rows. The caller commits both at once: a crash before the commit
    stores nothing and leaves the last UID where it was, so the next poll fetches them again.
    """
    new_ids = []
    for message in fetched:
        source = f"imap:{mailbox}:{uidvalidity}:{message.uid}"
        row_id = _insert(message, source + (HEADERS_ONLY if message.is_headers_only else ""))
        if row_id is not None:
            new_ids.append(row_id)
    if fetched:
        state.last_uid = max(message.uid for message in fetched)
    elif state.uidvalidity != uidvalidity:
        state.last_uid = 0
    state.uidvalidity = uidvalidity
    state.polled_at = utcnow()
    db.session.flush()
    return new_ids


def _insert(message, source):
    """Insert one raw message unless it is stored already (same bytes, or same Message-ID); its id, or None.

    A message re-delivered with another Received line has other bytes but the same Message-ID.
    """
    found_id = message_id(message.raw)
    if found_id and db.session.scalar(
        sa.select(InboundMessage.id).where(InboundMessage.message_id == found_id)
    ):
        return None
    values = {
        "sha256": hashlib.sha256(message.raw).hexdigest(),
        "raw": message.raw,
        "size": message.size,
        "message_id": found_id,
        "source": source[:300],
        "status": InboundStatus.RECEIVED,
        "received_at": utcnow(),
    }
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(InboundMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["sha256"])
        .returning(InboundMessage.id)
    )
    return db.session.scalar(statement)


def message_id(raw):
    """The Message-ID header of raw bytes, "" when there is none or it cannot be read."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw, headersonly=True)
        value = headers.get("Message-ID") or ""
    except Exception:  # a header block so broken that the parser gives up: the filing step decides
        log.warning("inbound mail: a message's headers could not be read", exc_info=True)
        return ""
    return " ".join(str(value).split())[:998]
