"""Security headers on every response, and no-store on every answer that may show staff or contact data."""

from flask import current_app, g, request
from flask_login import current_user

#: Scripts, styles, images and fonts from our own origin only; nothing inline, no one may frame us.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

#: The web fonts change only with the shipped letter fonts: a browser may keep them for a week.
FONT_CACHE_CONTROL = "public, max-age=604800"
FONT_PREFIX = "/static/fonts/"

#: Pages for staff, the login, and the personal links (a signatory's, a partner's, a recipient's reply page).
PRIVATE_PREFIXES = ("/staff/", "/login", "/logout", "/auth/", "/s/", "/partner/", "/reply/")


def _frame_options(policy):
    """X-Frame-Options for browsers that ignore CSP frame-ancestors, saying the same thing."""
    return "SAMEORIGIN" if "frame-ancestors 'self'" in policy else "DENY"


def is_private(req):
    """Whether this answer may carry staff or contact data, so that no cache may keep it."""
    return (
        req.path.startswith(PRIVATE_PREFIXES)
        or req.method not in ("GET", "HEAD")  # the answer to a form echoes what was typed
        or g.get("api_user") is not None
        or current_user.is_authenticated
    )


def add_security_headers(response):
    # A view may set a stricter policy of its own (the letter preview does).
    policy = response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Frame-Options", _frame_options(policy))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    hsts = current_app.config["HSTS_MAX_AGE"]
    if hsts:
        response.headers["Strict-Transport-Security"] = f"max-age={hsts}"
    if request.path.startswith(FONT_PREFIX) and response.status_code in (200, 304):
        response.headers["Cache-Control"] = FONT_CACHE_CONTROL
    elif is_private(request):
        response.headers["Cache-Control"] = "no-store"
    return response


def register(app):
    app.after_request(add_security_headers)
