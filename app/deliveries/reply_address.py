"""Each delivery's own reply address, replies+<token>-<hmac>@..., and the check of one that came back."""

import hashlib
import hmac
from email.utils import parseaddr

from flask import current_app

#: Hex digits of the HMAC kept in the address: 64 bits, beyond guessing by trial.
MAC_LENGTH = 16


def _key():
    secret = current_app.config["SECRET_KEY"]
    return hmac.new(secret.encode(), b"undersigned delivery reply address", hashlib.sha256).digest()


def _mac(token):
    return hmac.new(_key(), token.encode(), hashlib.sha256).hexdigest()[:MAC_LENGTH]


def _base():
    local, _at, domain = current_app.config["REPLY_TO_ADDRESS"].rpartition("@")
    return local, domain


def reply_address(token):
    """The Reply-To of the delivery with reply token `token`."""
    local, domain = _base()
    return f"{local}+{token}-{_mac(token)}@{domain}"


def token_from_address(address):
    """The delivery token an address (e.g. a reply's To) carries, or None if it is not one we made."""
    _name, bare = parseaddr(address or "")
    local, at, domain = bare.rpartition("@")
    base_local, base_domain = _base()
    if not at or domain.lower() != base_domain.lower():
        return None
    prefix, plus, tagged = local.partition("+")
    if not plus or prefix.lower() != base_local.lower():
        return None
    token, dash, mac = tagged.rpartition("-")
    if not (dash and token) or not hmac.compare_digest(mac.lower(), _mac(token)):
        return None
    return token
