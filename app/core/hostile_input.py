"""Refuse, once per request, input no page could read or store: NUL bytes, broken characters, bad Hosts."""

import re

from flask import request
from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError

#: Half of a UTF-16 pair on its own: JSON may carry one, but no UTF-8 text (nor PostgreSQL) can.
_SURROGATE = re.compile("[\ud800-\udfff]")

HOST_REFUSED = (
    "Bad Request: the Host header is not a valid host name.\n"
    "잘못된 요청입니다: Host 헤더가 올바른 호스트 이름이 아닙니다.\n"
).encode()


class UnreadableInput(DomainError):
    code = "unreadable_input"
    status = 400


def is_unstorable(text):
    """A NUL byte (PostgreSQL text cannot hold one) or a lone surrogate (not valid Unicode text)."""
    return "\x00" in text or (not text.isascii() and _SURROGATE.search(text) is not None)


def _json_strings(value):
    """Every key and string in a parsed JSON body, without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from (key for key in item if isinstance(key, str))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _request_strings():
    yield request.path
    for key, value in request.args.items(multi=True):
        yield key
        yield value
    # A multipart part whose name a stray CR cut off is filed under the key None.
    for key, value in request.form.items(multi=True):
        yield key or ""
        yield value
    for key, upload in request.files.items(multi=True):
        yield key or ""
        yield upload.filename or ""
    if request.is_json:
        try:
            yield from _json_strings(request.get_json(silent=True))
        except RecursionError:  # nested deeper than the parser goes
            yield "\x00"


def refuse_unstorable_input():
    if any(is_unstorable(text) for text in _request_strings()):
        raise UnreadableInput(
            _l(
                "The request contains characters that cannot be read or stored (such as a NUL byte). "
                "Remove them and try again."
            )
        )


def valid_host(host):
    """Whether the routing can bind to this Host: each name label at most 63 characters, as IDNA allows."""
    try:
        host.lower().encode("idna")
    except UnicodeError:
        return False
    return True


class HostGuard:
    """WSGI middleware: a Host no URL can be built for is refused before the app sees it."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if valid_host(environ.get("HTTP_HOST", "")):
            return self.wsgi_app(environ, start_response)
        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(HOST_REFUSED))),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-store"),
        ]
        start_response("400 Bad Request", headers)
        return [HOST_REFUSED]


def register(app):
    """Refuse unstorable input before any other step of the request reads it."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unstorable_input)
