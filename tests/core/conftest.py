"""Fixtures for the core tests: an app built as production builds it, on the test database."""

import pytest

from app import create_app
from tests.conftest import REDIS_URL

SECRET = "0123456789abcdef" * 4


@pytest.fixture
def production_app(monkeypatch, tmp_path, app, database_url):
    """A production app in this process; afterwards the session's app gets its own state back.

    Flask-Limiter keeps one storage per Limiter, not per app, and production's is the broker's
    Redis: the session's memory storage is put back so that no later test counts in Redis.
    """
    from app.extensions import limiter

    saved = (limiter._storage, limiter._limiter)
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CELERY_BROKER_URL", REDIS_URL)
    monkeypatch.setenv("PUBLIC_URL", "http://localhost")
    production = create_app({"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    try:
        yield production
    finally:
        with production.app_context():
            production.extensions["sqlalchemy"].engine.dispose()
        limiter._storage, limiter._limiter = saved
        # Creating an app makes its Celery the current one; give the tasks back the session app's.
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()
