"""Abuse checks for sign-ons: per-IP rate limits, a honeypot field and a minimum fill time."""

import functools
import hashlib
import hmac
import time

from flask import current_app
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.core.tokens import make_token, read_token

FORM_PURPOSE = "sign-form"


def ip_hash(ip):
    """A keyed hash of the IP address: equal addresses compare equal, none can be recovered."""
    key = current_app.config["IP_HASH_KEY"] or ("ip:" + current_app.config["SECRET_KEY"])
    return hmac.new(key.encode(), (ip or "").encode(), hashlib.sha256).hexdigest()


def _limiter():
    limiter = current_app.extensions.get("sign_on_limiter")
    if limiter is None:
        storage = storage_from_string(current_app.config["RATELIMIT_STORAGE_URI"])
        limiter = MovingWindowRateLimiter(storage)
        current_app.extensions["sign_on_limiter"] = limiter
    return limiter


@functools.lru_cache(maxsize=64)
def _parsed(limits):
    """The letter's limits, parsed once per distinct setting."""
    return tuple(parse_many(limits))


def within_rate_limits(letter, hashed_ip):
    """Count this sign-on against the letter's limits; False when any limit is exceeded."""
    limiter = _limiter()
    allowed = True
    for limit in _parsed(letter.sign_on_limits):
        # Every limit is hit, so a burst also uses up the sustained allowance.
        allowed = limiter.hit(limit, "sign-on", str(letter.id), hashed_ip) and allowed
    return allowed


def form_started_token():
    """A signed timestamp put in the form when it is shown."""
    return make_token(FORM_PURPOSE, round(time.time(), 3))


def filled_too_fast(token):
    """True when the form came back sooner than a person could fill it (or without its stamp)."""
    started = read_token(FORM_PURPOSE, token or "", max_age=60 * 60 * 24)
    if started is None:
        return True
    return time.time() - started < current_app.config["SIGN_ON_MIN_SECONDS"]
