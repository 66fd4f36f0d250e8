"""Under overload, or with the database down, a sign-on is refused in time with a clear 503 page."""

import time

import pytest
from celery import current_app as current_celery

from app import create_app
from app.core import overload
from app.extensions import db as _db
from tests.conftest import test_settings as app_settings
from tests.helpers import page_text
from tests.signatures.conftest import inputs, mails, open_form, sign, signatories


@pytest.fixture
def arrived():
    """Pretend the next request arrived `seconds` ago (as gunicorn's timed worker reports it)."""

    def set_seconds_ago(seconds):
        overload.set_arrival(time.monotonic() - seconds)

    yield set_seconds_ago
    overload.set_arrival(None)


def _refused(response, lang="en"):
    assert response.status_code == 503, response.status_code
    assert response.headers["Retry-After"] == "60"
    assert response.headers["Cache-Control"] == "no-store"
    return page_text(response)


def test_a_sign_on_that_waited_too_long_in_the_queue_is_refused_and_not_written(client, letter, arrived):
    form = inputs(open_form(client, letter))
    arrived(5)
    text = _refused(sign(client, letter, form=form))
    assert "Your signature was not recorded: please try again in a minute." in text
    assert signatories() == [] and mails() == []


def test_any_page_that_waited_too_long_is_answered_busy_at_once(client, letter, arrived):
    arrived(5)
    text = _refused(client.get(f"/letters/{letter.id}/sign", headers={"Accept-Language": "en"}))
    assert "Nothing you sent was recorded" in text
    assert client.get("/healthz").status_code == 200  # the load balancer's probe is never refused


def test_the_refusal_speaks_korean(client, letter, arrived):
    form = inputs(open_form(client, letter, lang="ko"))
    arrived(5)
    text = _refused(sign(client, letter, lang="ko", form=form))
    assert "서명이 기록되지 않았습니다" in text


def test_a_sign_on_past_its_deadline_at_the_commit_is_rolled_back(client, app, letter, monkeypatch):
    form = inputs(open_form(client, letter))
    monkeypatch.setitem(app.config, "SIGN_ON_DEADLINE_SECONDS", 0)  # every commit comes too late
    _refused(sign(client, letter, form=form))
    assert signatories() == [] and mails() == []
    monkeypatch.setitem(app.config, "SIGN_ON_DEADLINE_SECONDS", 1.8)
    assert sign(client, letter, form=inputs(open_form(client, letter))).status_code == 302
    assert len(signatories()) == 1


def test_a_sign_on_waits_for_a_place_only_within_its_budget(client, app, letter, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_ON_CONCURRENCY", 1)
    monkeypatch.setitem(app.config, "REQUEST_QUEUE_SECONDS", 0.3)
    form = inputs(open_form(client, letter))
    gate = overload._gate("sign_on", 1)
    assert gate.acquire(timeout=1)  # another sign-on holds the only place
    try:
        start = time.monotonic()
        _refused(sign(client, letter, form=form))
        assert 0.25 < time.monotonic() - start < 2
    finally:
        gate.release()
    assert signatories() == []
    assert sign(client, letter, form=inputs(open_form(client, letter))).status_code == 302


def test_with_the_database_down_readers_and_signers_get_the_busy_page(tmp_path):
    """Nothing listens on the database's port (PostgreSQL restarting): 503, never a 500."""
    previous = current_celery._get_current_object()
    app = create_app(
        app_settings(
            "postgresql+psycopg://postgres@127.0.0.1:9/nowhere",
            INSTANCE_PATH=str(tmp_path),
            WTF_CSRF_ENABLED=False,
        )
    )
    try:
        client = app.test_client()
        page = client.get("/c/some-campaign", headers={"Accept-Language": "en"})
        assert "Nothing you sent was recorded" in _refused(page)
        korean = {"Accept-Language": "ko"}
        posted = client.post("/letters/1/sign", data={"name_en": "Someone"}, headers=korean)
        assert "서명이 기록되지 않았습니다" in _refused(posted, "ko")
        api = client.get("/api/v1/campaigns", headers={"Authorization": "Bearer nothing"})
        assert api.status_code == 503 and api.get_json()["error"]["code"] == "busy"
    finally:
        with app.app_context():
            _db.engine.dispose()
        app.extensions["celery"].close()
        previous.set_current()  # creating an app made its Celery the process-wide one
        previous.set_default()
