"""Real-browser tests: Debian's headless Chromium drives the real app served on 127.0.0.1.

The app runs in a background thread (werkzeug's threaded server) against the test database,
outside any test's rolled-back transaction: the browser's requests are served there, so every
test here commits (`pytest.mark.committed`: the tables are emptied after it).

Nothing is downloaded: Selenium is given Debian's chromedriver and chromium explicitly, so it
never runs Selenium Manager. `scripts/setup.sh test` installs both (packages chromium and
chromium-driver).
"""

import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery import current_app as current_celery
from flask import got_request_exception
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db as _db
from tests.conftest import test_settings as app_settings  # not named test_*: pytest would collect it
from tests.inbound.conftest import dovecot  # noqa: F401 (the session's Dovecot, for the journey)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
#: Wide enough for the editor's two columns side by side.
WINDOW_SIZE = "1400,1000"
#: What Accept-Language each browser sends.
ACCEPT_LANGUAGES = {"en": "en-US,en", "ko": "ko-KR,ko"}
#: Longest wait for a page, an element or the server to settle, in seconds.
WAIT = 10


class InFlight:
    """WSGI middleware that knows which requests the app is serving, so a test ends once all are done.

    The app's work (its app context, its database session) is over when the app returns; werkzeug
    may then still be draining the request's socket, which holds nothing of the app's.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.running = {}
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        key = object()
        with self.lock:
            self.running[key] = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
        try:
            result = self.wsgi_app(environ, start_response)
            if environ["PATH_INFO"].startswith("/static/"):
                # Read a static file at once: when the browser drops the connection mid-file (it
                # left the page), werkzeug's server can fail before closing the file it streams.
                try:
                    return [b"".join(result)]
                finally:
                    result.close()
            return result
        finally:
            with self.lock:
                del self.running[key]

    def wait_until_idle(self, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while self.running:
            running = list(self.running.values())
            assert time.monotonic() < deadline, f"requests still running after {timeout} s: {running}"
            time.sleep(0.05)


class LiveServer:
    def __init__(self, app, server, in_flight):
        self.app = app
        self.server = server
        self.in_flight = in_flight
        self.url = f"http://127.0.0.1:{server.server_port}"
        self.errors = []
        self.thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)

    def record_error(self, sender, exception, **extra):
        self.errors.append(exception)


def server_app(database_url, instance_path, **settings):
    """The app the browser talks to, built like the test app; the test app's Celery stays current."""
    previous = current_celery._get_current_object()
    app = create_app(app_settings(database_url, INSTANCE_PATH=instance_path, **settings))
    # Creating an app makes its Celery the process-wide one; the rest of the suite expects its own.
    previous.set_current()
    previous.set_default()
    server_celery = app.extensions["celery"]

    @app.before_request
    def use_this_apps_celery():
        # Each request runs in its own thread: its eager tasks run in this app, not the test app.
        server_celery.set_current()

    app.config["SIGN_ON_MIN_SECONDS"] = 1
    return app


@contextmanager
def serving(app):
    """Serve `app` on 127.0.0.1:<free port> from a background thread; the LiveServer."""
    in_flight = InFlight(app.wsgi_app)
    app.wsgi_app = in_flight
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["SERVER_NAME"] = f"127.0.0.1:{server.server_port}"  # links in emails point here
    live = LiveServer(app, server, in_flight)
    got_request_exception.connect(live.record_error, app)
    live.thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        server.server_close()
        live.thread.join(timeout=WAIT)
        got_request_exception.disconnect(live.record_error, app)
        with app.app_context():
            _db.engine.dispose()
        app.extensions["celery"].close()


@pytest.fixture(scope="session")
def live_server(database_url, tmp_path_factory):
    """The real app on 127.0.0.1:<free port>, served by a background thread for the whole session."""
    with serving(server_app(database_url, str(tmp_path_factory.mktemp("browser-instance")))) as live:
        yield live


@pytest.fixture(autouse=True)
def fresh_server_state(request, live_server):
    """Each test starts with fresh rate limits and page cache; afterwards the server must be idle.

    The `db` fixture empties every table after a committed test, which would wait for any request
    still holding a connection: so wait for the server's requests to end first.
    """
    assert request.node.get_closest_marker("committed"), "browser tests must be marked committed"
    for key in ("sign_on_limiter", "undersigned_cache"):
        live_server.app.extensions.pop(key, None)
    live_server.errors.clear()
    yield
    live_server.in_flight.wait_until_idle()
    errors, live_server.errors[:] = list(live_server.errors), []
    assert not errors, f"the server failed while the browser used it: {errors!r}"


def _start_chromium(lang, profile):
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).is_file():
            pytest.fail(
                f"{path} is missing: run `scripts/setup.sh test` (Debian packages chromium, chromium-driver)"
            )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--lang={lang}",
        f"--window-size={WINDOW_SIZE}",
    ):
        options.add_argument(flag)
    # Headless Chromium takes Accept-Language from this preference, not from --lang.
    options.add_experimental_option("prefs", {"intl.accept_languages": ACCEPT_LANGUAGES[lang]})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


@pytest.fixture(scope="session")
def browsers(live_server):
    """Start a headless Chromium per language on first use: `browsers("ko")`; all quit at the end.

    It depends on live_server so that the browsers quit (closing their connections) before the
    server stops.
    """
    started = {}
    profiles = []

    def get(lang="en"):
        if lang not in started:
            profile = tempfile.mkdtemp(prefix=f"chromium-{lang}-")
            profiles.append(profile)
            started[lang] = _start_chromium(lang, profile)
        return started[lang]

    yield get
    for driver in started.values():
        driver.quit()
    for profile in profiles:
        shutil.rmtree(profile, ignore_errors=True)


def _reset(driver):
    """Forget what an earlier test left: cookies (login, language choice), cache, the open page."""
    driver.switch_to.default_content()
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})


def _clean(driver):
    """A fixture's body: the driver with no cookies; left on a blank page after the test."""
    _reset(driver)
    yield driver
    driver.switch_to.default_content()
    driver.get("about:blank")


@pytest.fixture
def browser(browsers):
    """An English-speaking browser with no cookies; left on a blank page after the test."""
    yield from _clean(browsers("en"))


@pytest.fixture
def korean_browser(browsers):
    """A browser whose language is Korean (Accept-Language: ko-KR,ko), with no cookies."""
    yield from _clean(browsers("ko"))


def wait(driver, timeout=WAIT):
    return WebDriverWait(driver, timeout)
