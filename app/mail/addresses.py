"""Internationalized addresses: as written with SMTPUTF8, else with the domain in IDNA (punycode)."""

from email.utils import formataddr, parseaddr

import idna

from app.mail.models import MailFailure


class AddressError(Exception):
    """An address the SMTP server cannot be given; `reason` is a MailFailure."""

    def __init__(self, reason, detail):
        super().__init__(detail)
        self.reason = reason


def envelope_address(address, smtputf8):
    """The bare address for the SMTP envelope; raises AddressError."""
    _name, bare = parseaddr(address)
    local, at, domain = bare.rpartition("@")
    if not (at and local and domain):
        raise AddressError(MailFailure.INVALID_ADDRESS, f"{address!r} is not an email address")
    if smtputf8 or bare.isascii():
        return bare
    if not local.isascii():
        raise AddressError(
            MailFailure.NEEDS_SMTPUTF8,
            f"{bare!r} has a non-ASCII name before the @, and the mail server does not offer SMTPUTF8",
        )
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise AddressError(MailFailure.INVALID_ADDRESS, f"{domain!r} is not a domain name: {error}") from None
    return f"{local}@{ascii_domain}"


def header_address(address, envelope):
    """The header form of `address` (its display name kept) around the envelope address."""
    name, _bare = parseaddr(address)
    return formataddr((name, envelope)) if name else envelope
