"""Error responses: an HTML page in the user's language, or JSON under /api/."""

import logging

from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from app.core.errors import DomainError

log = logging.getLogger(__name__)


def _messages():
    return {
        400: _("The request could not be understood."),
        401: _("Please log in."),
        403: _("You do not have access to this page."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        413: _("The upload is too large."),
        422: _("Some fields need attention."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Nothing you sent was lost; please try again."),
    }


def wants_json():
    return request.path.startswith("/api/")


def json_error(status, code, message, fields=None):
    body = {
        "error": {
            "code": code,
            "message": str(message),
            "fields": {k: str(v) for k, v in (fields or {}).items()},
        }
    }
    return body, status


def register(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _(
            "This form has expired or was sent from elsewhere. Go back, reload the page and try again."
        )
        if wants_json():
            return json_error(400, "csrf_failed", message)
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so plain words, no page.
        if wants_json():
            return json_error(400, "bad_request", _messages()[400])
        return _messages()[400], 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(DomainError)
    def domain_error(error):
        if wants_json():
            return json_error(error.status, error.code, error.message, error.fields)
        return render_template("error.html", status=error.status, message=error.message), error.status

    @app.errorhandler(HTTPException)
    def http_error(error):
        status = error.code or 500
        message = _messages().get(status, error.description)
        if wants_json():
            code = (error.name or "error").lower().replace(" ", "_")
            response = json_error(status, code, message)
            headers = error.get_headers() if status == 405 else None
            return (*response, dict(h for h in headers if h[0] == "Allow")) if headers else response
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(Exception)
    def unexpected_error(error):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return http_error(InternalServerError())
