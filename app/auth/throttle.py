"""Login back-off: failures counted per client address and per account at that address, then a wait.

An account is never locked as a whole: failures from an attacker's address slow down that address
only, so a colleague logging in from anywhere else is not kept out. Keys are the same whether or not
the account exists, so the answers tell no one which emails have accounts.
"""

import hashlib
import hmac
import ipaddress
import math
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from app.auth.models import LoginThrottle
from app.extensions import db

#: A key with no failure for this long starts counting from zero again.
FORGET_AFTER = timedelta(days=1)


def client_network(address):
    """The address as counted: an IPv6 client holds a whole /64, so it is counted as one."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _hash(*parts):
    key = ("login:" + current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def throttle_keys(email, address):
    """{key: failures allowed before it waits} for an attempt on `email` from `address`."""
    network = client_network(address)
    config = current_app.config
    return {
        _hash("address", network): config["LOGIN_ADDRESS_MAX_FAILURES"],
        _hash("account", email, network): config["LOGIN_MAX_FAILURES"],
    }


def seconds_to_wait(keys, now):
    """Whole seconds before an attempt counted by these keys is considered; 0 when it may go ahead."""
    until = db.session.scalar(
        sa.select(sa.func.max(LoginThrottle.wait_until)).where(
            LoginThrottle.key.in_(list(keys)), LoginThrottle.wait_until > now
        )
    )
    return 0 if until is None else max(1, math.ceil((until - now).total_seconds()))


def backoff(failures, free):
    """The wait after this many failures: none while free ones are left, then doubling up to the cap."""
    if failures <= free:
        return timedelta(0)
    start, cap = current_app.config["LOGIN_BACKOFF_START"], current_app.config["LOGIN_BACKOFF_MAX"]
    return min(cap, start * 2 ** min(failures - free - 1, 32))


def _upsert():
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(LoginThrottle)


def _count(key, now):
    """Add one failure to the key, atomically, and return the count (a stale count starts again)."""
    insert = _upsert().values(key=key, failures=1, last_failure_at=now, wait_until=None)
    stale = LoginThrottle.last_failure_at < now - FORGET_AFTER
    statement = insert.on_conflict_do_update(
        index_elements=[LoginThrottle.key],
        set_={
            "failures": sa.case((stale, 1), else_=LoginThrottle.failures + 1),
            "last_failure_at": now,
        },
    ).returning(LoginThrottle.failures)
    return db.session.scalar(statement)


def record_failure(keys, now):
    """Count a failed attempt under every key; True when this failure made one of them start waiting."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - FORGET_AFTER))
    started = False
    for key, free in keys.items():
        failures = _count(key, now)
        wait = backoff(failures, free)
        if wait:
            db.session.execute(
                sa.update(LoginThrottle).where(LoginThrottle.key == key).values(wait_until=now + wait)
            )
        started = started or failures == free + 1
    return started


def forget_account_failures(email, address):
    """After a success: this account's failures from this address are forgiven (the address's are not)."""
    network = client_network(address)
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == _hash("account", email, network)))
