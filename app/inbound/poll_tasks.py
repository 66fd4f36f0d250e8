"""The beat task that reads the replies mailbox: store what is new, commit, then hand each row to filing."""

import importlib
import logging

from celery import shared_task
from flask import current_app

from app.extensions import db
from app.inbound import imap, polling

log = logging.getLogger(__name__)


@shared_task(name="inbound.poll")
def poll_mailbox():
    """Read INBOUND_IMAP_URL once. A wrong address or password is logged; the task never raises for it."""
    url = current_app.config.get("INBOUND_IMAP_URL")
    if not url:
        return {"skipped": "INBOUND_IMAP_URL is not set"}
    try:
        address = imap.parse_url(url)
        new_ids = _poll(address)
    except imap.MailboxError as error:
        db.session.rollback()
        log.error("inbound mail: %s", error)
        return {"error": str(error)}
    except BaseException:
        db.session.rollback()  # nothing stored, the last UID unchanged: the next poll fetches them again
        raise
    if new_ids is None:
        return {"skipped": "another poll is reading the mailbox"}
    file_messages(new_ids)
    return {"stored": len(new_ids)}


def _poll(address):
    """Fetch and store under the poll lock, in one transaction; the new rows' ids, or None if locked."""
    if not polling.take_poll_lock():
        db.session.rollback()
        return None
    state = polling.mailbox_state(address)
    client, uidvalidity = imap.open_mailbox(address, current_app.config.get("INBOUND_IMAP_CA_FILE"))
    try:
        if state.uidvalidity and state.uidvalidity != uidvalidity:
            log.warning(
                "inbound mail: %s has a new UIDVALIDITY (%s, was %s); reading it all again",
                address.safe_url,
                uidvalidity,
                state.uidvalidity,
            )
        fetched = polling.fetch_new(client, state, uidvalidity, current_app.config["INBOUND_MAX_BYTES"])
        new_ids = polling.store_messages(state, address.mailbox, uidvalidity, fetched)
        db.session.commit()
    except (OSError, imap.imaplib.IMAP4.error) as error:
        raise imap.MailboxError(f"{address.safe_url}: reading failed: {error}") from None
    finally:
        imap.close(client)
    if fetched:
        log.info("inbound mail: %s: %s fetched, %s new", address.safe_url, len(fetched), len(new_ids))
    return new_ids


def file_messages(ids):
    """Hand each stored row to the filing task, after the commit; rows it misses stay `received`."""
    try:
        filing = importlib.import_module("app.inbound.tasks")
    except ModuleNotFoundError as error:
        if error.name != "app.inbound.tasks":
            raise
        return  # no filing task in this build: the rows wait, status received
    file_inbound = getattr(filing, "file_inbound", None)
    if file_inbound is None:
        return
    for inbound_id in ids:
        try:
            file_inbound.delay(inbound_id)
        except Exception as error:  # the broker is down: the row stays `received` for the filing sweep
            log.warning("inbound mail: the broker did not take message %s (%s)", inbound_id, error)
            return
