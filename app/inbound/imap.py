"""Reading one IMAP mailbox by UID: the address from INBOUND_IMAP_URL, the connection, the fetches."""

import contextlib
import imaplib
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

#: Seconds a silent server is waited for before the poll gives up (it tries again at the next beat).
TIMEOUT = 30
DEFAULT_PORTS = {"imaps": 993, "imap": 143}
_SIZE = re.compile(rb"UID (\d+) RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+) UID (\d+)")


class MailboxError(Exception):
    """The mailbox could not be read; the message says why, without the password."""


@dataclass(frozen=True)
class MailboxAddress:
    """Where the replies are: INBOUND_IMAP_URL split into its parts."""

    scheme: str
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    mailbox: str = "INBOX"

    @property
    def safe_url(self):
        """The URL without its password: what logs and MailboxState.mailbox show."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        user, mailbox = quote(self.user, safe=""), quote(self.mailbox, safe="")
        return f"{self.scheme}://{user}@{host}:{self.port}/{mailbox}"

    @property
    def is_loopback(self):
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"


def parse_url(url):
    """imaps://USER:PASSWORD@HOST[:993][/MAILBOX] or imap://..., parts percent-encoded; or MailboxError."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        raise MailboxError("INBOUND_IMAP_URL is not a URL (is a port number wrong?).") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise MailboxError(
            "INBOUND_IMAP_URL must start with imaps:// (or imap:// for plain or STARTTLS), "
            "e.g. imaps://USER:PASSWORD@mail.example.org:993/INBOX"
        )
    if not parts.hostname or not parts.username or parts.password is None:
        raise MailboxError(
            "INBOUND_IMAP_URL needs a user, a password and a host: imaps://USER:PASSWORD@HOST/INBOX"
        )
    return MailboxAddress(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        user=unquote(parts.username),
        password=unquote(parts.password),
        mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def _quoted(name):
    """A mailbox name as an IMAP quoted string."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _connect(address, ca_file):
    # The server's certificate is checked, against ca_file (INBOUND_IMAP_CA_FILE) else the system's.
    context = ssl.create_default_context(cafile=ca_file)
    if address.scheme == "imaps":
        return imaplib.IMAP4_SSL(address.host, address.port, ssl_context=context, timeout=TIMEOUT)
    client = imaplib.IMAP4(address.host, address.port, timeout=TIMEOUT)
    if "STARTTLS" in client.capabilities:
        try:
            client.starttls(context)
        except BaseException:
            with contextlib.suppress(OSError):
                client.shutdown()
            raise
    elif not address.is_loopback:
        client.shutdown()
        raise MailboxError(
            f"{address.safe_url} offers no STARTTLS: the password would cross the network in clear. "
            "Use imaps:// (or imap:// only on loopback)."
        )
    return client


def open_mailbox(address, ca_file=None):
    """Log in and select the mailbox read-only; return (client, uidvalidity). Raise MailboxError."""
    try:
        client = _connect(address, ca_file)
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxError(f"could not connect to {address.safe_url}: {_reason(error)}") from None
    try:
        _log_in(client, address)
        status, _ = client.select(_quoted(address.mailbox), readonly=True)
        if status != "OK":
            raise MailboxError(f"{address.safe_url}: the mailbox {address.mailbox!r} cannot be opened")
        _, values = client.response("UIDVALIDITY")
        return client, int(values[0])
    except (OSError, imaplib.IMAP4.error, TypeError, ValueError) as error:
        close(client)
        raise MailboxError(f"{address.safe_url}: {_reason(error)}") from None
    except BaseException:
        close(client)
        raise


def _log_in(client, address):
    """AUTHENTICATE PLAIN where offered (UTF-8 user and password), else LOGIN (ASCII only)."""
    if "AUTH=PLAIN" in client.capabilities:
        credentials = f"\0{address.user}\0{address.password}".encode()
        client.authenticate("PLAIN", lambda _challenge: credentials)
    else:
        client.login(address.user, address.password)


def _reason(error):
    if isinstance(error, ConnectionRefusedError):
        return "the connection was refused (is the host or port wrong, or the server down?)"
    if isinstance(error, socket.timeout | TimeoutError):
        return "the server did not answer in time"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error})"
    if isinstance(error, imaplib.IMAP4.error):
        text = str(error)
        if "AUTHENTICATIONFAILED" in text.upper() or "LOGIN" in text.upper():
            return f"the server refused the user name or password ({text})"
        return f"the server said: {text}"
    return str(error) or error.__class__.__name__


def close(client):
    """Log out, whatever state the connection is in."""
    try:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    finally:
        with contextlib.suppress(OSError):
            client.shutdown()


def new_uids(client, last_uid):
    """UIDs above last_uid, with their RFC822.SIZE, in order: [(uid, size), ...]."""
    status, data = client.uid("FETCH", f"{last_uid + 1}:*", "(UID RFC822.SIZE)")
    if status != "OK":
        raise MailboxError(f"the server refused to list messages: {data!r}")
    found = {}
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        match = _SIZE.search(line or b"")
        if match:
            uid, size = (match[1], match[2]) if match[1] else (match[4], match[3])
            found[int(uid)] = int(size)
    # "N:*" also names the highest message when every UID is below N (RFC 3501, 6.4.8).
    return sorted((uid, size) for uid, size in found.items() if uid > last_uid)


def fetch(client, uid, part="BODY.PEEK[]"):
    """The bytes of one message (part BODY.PEEK[HEADER] for its headers only); None if it is gone."""
    status, data = client.uid("FETCH", str(uid), f"({part})")
    if status != "OK":
        raise MailboxError(f"the server refused to send message {uid}: {data!r}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None
