"""Outgoing mail: queue it as a row, send it from the mail queue, read the outbox."""

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/staff/outbox")

from app.mail import views  # noqa: E402,F401
