"""Absolute links on the configured PUBLIC_URL, never on the Host a request claimed."""

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint, **values):
    """The absolute URL of `endpoint` on PUBLIC_URL, for emails and anything read away from the site.

    Works inside a request and outside one (a worker's task) alike, and ignores the request's
    Host header: a forged Host must not put a signer's withdrawal link on someone else's site.
    """
    app = current_app._get_current_object()
    base = urlsplit(app.config["PUBLIC_URL"])
    adapter = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)
