"""The baseline for bench/sign_on_spike.py: a bare Flask app that inserts the same rows.

One endpoint, POST /sign, reads the posted fields and inserts one Signatory and one Signature
(status pending, source form, the keyed IP hash) with plain SQLAlchemy Core inserts in one
transaction, then redirects like the real form. No forms, CSRF, sessions, templates, rate limits,
duplicate check or email: what is left is Flask + gunicorn + PostgreSQL, the floor under the app.

Run by the benchmark as `gunicorn ... bench.bare_insert_app:app` with the same environment
(DATABASE_URL, SECRET_KEY, PROXY_COUNT) as the real app.
"""

import hashlib
import hmac
import os
import sys
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, redirect, request
from werkzeug.middleware.proxy_fix import ProxyFix

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.signatures.models import Signatory, Signature  # noqa: E402  (the tables, not the app)
from config import database_url  # noqa: E402

signatories = Signatory.__table__
signatures = Signature.__table__

app = Flask(__name__)
count = int(os.environ.get("PROXY_COUNT") or 0)
if count:
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

#: Made lazily in each worker, so no connection crosses a fork (gunicorn --preload).
_engine = None
_ip_key = (os.environ.get("IP_HASH_KEY") or ("ip:" + os.environ["SECRET_KEY"])).encode()
_letter = {}


def engine():
    global _engine
    if _engine is None:
        # The same pool as Flask-SQLAlchemy's defaults (QueuePool, 5 + 10 overflow).
        _engine = sa.create_engine(database_url(os.environ["DATABASE_URL"]))
    return _engine


def current_version(connection, letter_id):
    if letter_id not in _letter:
        _letter[letter_id] = connection.scalar(
            sa.text("SELECT max(id) FROM letter_versions WHERE letter_id = :id"), {"id": letter_id}
        )
    return _letter[letter_id]


@app.post("/letters/<int:letter_id>/sign")
def sign(letter_id):
    form = request.form
    email = form.get("email", "").strip()
    ip = hmac.new(_ip_key, (request.remote_addr or "").encode(), hashlib.sha256).hexdigest()
    with engine().begin() as connection:
        version_id = current_version(connection, letter_id)
        signatory_id = connection.scalar(
            sa.insert(signatories)
            .values(
                kind=form.get("kind") or "individual",
                name_en=form.get("name_en", "").strip(),
                name_ko=form.get("name_ko", "").strip(),
                line_en=form.get("line", "").strip(),
                country=form.get("country", "").strip().upper(),
                email=email,
                email_key=email.lower(),
                display=form.get("display") or "full",
                has_consented=form.get("consent") == "y",
                language="en",
            )
            .returning(signatories.c.id)
        )
        connection.execute(
            sa.insert(signatures).values(
                signatory_id=signatory_id,
                letter_id=letter_id,
                version_id=version_id,
                status="pending",
                source="form",
                ip_hash=ip,
                hold_reason="",
            )
        )
    return redirect(f"/letters/{letter_id}/sign/thanks")
