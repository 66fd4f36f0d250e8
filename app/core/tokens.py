"""Signed links: a token that says which record and what for, and expires."""

import functools

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer


def _serializer(purpose):
    return _serializer_for(current_app.config["SECRET_KEY"], purpose)


@functools.lru_cache(maxsize=32)
def _serializer_for(secret_key, purpose):
    # Kept: making one tries out its JSON serializer, and the sign-on makes three tokens a request.
    return URLSafeTimedSerializer(secret_key, salt=f"undersigned.{purpose}")


def make_token(purpose, data):
    return _serializer(purpose).dumps(data)


def read_token(purpose, token, max_age):
    """The data in the token, or None when it is forged, for another purpose, too old or garbled."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except BadData:  # BadSignature, SignatureExpired, and a payload that does not decode
        return None


def check_token(purpose, token, max_age):
    """(data, None) for a good token; (None, "expired") for one we signed that is too old;
    (None, "invalid") for a forged, garbled or other purpose's token."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age), None
    except SignatureExpired:
        return None, "expired"
    except BadData:
        return None, "invalid"
