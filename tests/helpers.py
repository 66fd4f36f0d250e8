"""Helpers for tests that act as a user would: read the page, send its form."""

import re
import signal
from contextlib import contextmanager

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url="/login"):
    """The CSRF token of the form on `url`, as a browser would send it back."""
    page = client.get(url).get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def log_in(client, email, password):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def page_text(response):
    """The visible text of an HTML page, tags removed and white space folded."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    from html import unescape

    return re.sub(r"\s+", " ", unescape(text)).strip()


@contextmanager
def publishing_app(database_url, instance_path, broker_url):
    """An app whose Celery publishes to `broker_url` instead of running tasks, current inside."""
    from celery import current_app as current_celery

    from app import create_app
    from app.extensions import db
    from tests.conftest import FreshContextClient
    from tests.conftest import test_settings as app_settings  # not named test_*: pytest collects it

    previous = current_celery._get_current_object()
    app = create_app(
        app_settings(
            database_url,
            CELERY_BROKER_URL=broker_url,
            CELERY_TASK_ALWAYS_EAGER=False,
            SIGN_ON_MIN_SECONDS=0,
            INSTANCE_PATH=str(instance_path),
        )
    )
    app.test_client_class = FreshContextClient
    try:
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        app.extensions["celery"].close()
        # Creating the app made its Celery the process-wide one; other tests expect theirs back.
        previous.set_current()
        previous.set_default()


@contextmanager
def time_limit(seconds):
    """Fail, rather than hang, when the test takes longer than `seconds` (SIGALRM, main thread)."""

    def expire(_signum, _frame):
        raise TimeoutError(f"the test took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
