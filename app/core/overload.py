"""Answering in time when more people arrive than the machine can serve, or the database is down.

A sign-on that waits longer than a person waits is worse than a refusal: the client gives up,
the server writes the signature anyway, and the signer tries again. So each sign-on has a time
budget counted from when its request arrived (app/core/timed_worker.py stamps it in gunicorn;
elsewhere it is when the app first saw the request):

- any request that waited in the queue past `REQUEST_QUEUE_SECONDS` is refused at once (the
  sign form's GET too: under overload a form nobody can send in time helps no one);
- at most `SIGN_ON_CONCURRENCY` sign-ons run at a time in a process; others wait for a place
  within the same budget;
- one that is past `SIGN_ON_DEADLINE_SECONDS` when it is about to commit is rolled back.

Each refusal is the same clear page, 503 with `Retry-After`: "busy, your signature was not
recorded, try again in a minute". The database being unreachable (restarting) earns it too.
"""

import contextlib
import threading
import time

import sqlalchemy.exc
from flask import current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import ServiceUnavailable

from app.extensions import db

_arrival = threading.local()
_gates = {}
_gates_lock = threading.Lock()


class Busy(ServiceUnavailable):
    """Answered 503 with Retry-After; nothing the request sent was recorded."""


def set_arrival(moment):
    """Called by the gunicorn worker in the thread about to serve a request (time.monotonic())."""
    _arrival.value = moment


def arrived_at():
    stamped = getattr(_arrival, "value", None)
    return stamped or request.environ.setdefault("undersigned.arrived", time.monotonic())


def waited():
    """Seconds since this request arrived."""
    return time.monotonic() - arrived_at()


def _gate(name, size):
    with _gates_lock:
        gate = _gates.get(name)
        if gate is None or gate[0] != size:
            gate = _gates[name] = (size, threading.BoundedSemaphore(size))
        return gate[1]


class admitted:  # noqa: N801 (used as a context manager, like a lock)
    """`with admitted("sign_on"):` the request's turn, or Busy once its queue budget is spent."""

    def __init__(self, name):
        self.name = name
        self.gate = None

    def __enter__(self):
        config = current_app.config
        budget = config["REQUEST_QUEUE_SECONDS"] - waited()
        if budget <= 0:
            raise Busy()
        size = config["SIGN_ON_CONCURRENCY"]
        if size:
            gate = _gate(self.name, size)
            if not gate.acquire(timeout=budget):
                raise Busy()
            self.gate = gate
        return self

    def __exit__(self, *exc):
        if self.gate is not None:
            self.gate.release()
        return False


def before_commit():
    """Refuse (and write nothing) when the answer would come after the client stopped waiting."""
    if waited() > current_app.config["SIGN_ON_DEADLINE_SECONDS"]:
        db.session.rollback()
        raise Busy()


def busy_page():
    if request.endpoint == "signatures.sign" and request.method == "POST":
        message = _(
            "We are very busy right now. Your signature was not recorded: please try again in a minute."
        )
    else:
        message = _(
            "We are very busy right now. Nothing you sent was recorded: please try again in a minute."
        )
    retry = str(current_app.config["BUSY_RETRY_AFTER_SECONDS"])
    headers = {"Retry-After": retry, "Cache-Control": "no-store"}
    if request.path.startswith("/api/"):
        return {"error": {"code": "busy", "message": message, "fields": {}}}, 503, headers
    try:
        return render_template("busy.html", message=message), 503, headers
    except sqlalchemy.exc.SQLAlchemyError:  # the page itself needed the database (a logged-in user)
        return message, 503, {**headers, "Content-Type": "text/plain; charset=utf-8"}


def refuse_late_requests():
    """Before any view: a request that queued too long is answered at once, doing nothing."""
    if request.endpoint in ("static", "core.health"):
        return
    if waited() > current_app.config["REQUEST_QUEUE_SECONDS"]:
        raise Busy()


def register(app):
    app.before_request(refuse_late_requests)

    @app.errorhandler(Busy)
    def busy(error):
        return busy_page()

    @app.errorhandler(sqlalchemy.exc.OperationalError)
    @app.errorhandler(sqlalchemy.exc.InterfaceError)
    def database_unavailable(error):
        app.logger.warning("database unavailable on %s %s: %s", request.method, request.path, error.orig)
        with contextlib.suppress(sqlalchemy.exc.SQLAlchemyError):
            db.session.rollback()
        return busy_page()
