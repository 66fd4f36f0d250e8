"""A response the browser saves as a file, never kept in a cache (exports hold personal data)."""

from flask import Response

CSV = "text/csv; charset=utf-8"
JSON = "application/json"


def attachment(body, mimetype, filename):
    response = Response(body, content_type=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "no-store"
    return response
