"""A wrong setting stops the app with one line naming the problem and its fix, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import AMQP_URL, REDIS_URL, create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")
SECRET = "0123456789abcdef" * 4
CLOSED_PORT_URL = "postgresql+psycopg://postgres@127.0.0.1:1/x"
CLOSED_BROKER_URL = "redis://127.0.0.1:1/0"

#: What gunicorn does when it loads `wsgi:app`, and the operators' check command.
ENTRY_POINTS = {
    "gunicorn-import": [sys.executable, "-c", "import wsgi"],
    "flask-check": [FLASK, "--app", "wsgi", "check"],
}

#: Settings a developer's shell may carry that would change what the app under test sees.
INHERITED = (
    "APP_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "PREFLIGHT_CHECKS",
    "INSTANCE_PATH",
    "RATELIMIT_STORAGE_URI",
    "CACHE_URL",
    "FLASK_APP",
    "FLASK_RUN_FROM_CLI",
)


@pytest.fixture(params=list(ENTRY_POINTS))
def entry_point(request):
    return ENTRY_POINTS[request.param]


@pytest.fixture
def run(tmp_path):
    """Run a command in the project with a clean environment plus the given settings."""

    def run(command, **settings):
        env = {key: value for key, value in os.environ.items() if key not in INHERITED}
        env.update(INSTANCE_PATH=str(tmp_path / "instance"), **settings)
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    return run


@pytest.fixture
def fails_with_one_line(run, entry_point):
    """Run the entry point, check it fails with exactly one line on stderr, return that line."""

    def fails_with_one_line(**settings):
        result = run(entry_point, **settings)
        output = result.stdout + result.stderr
        assert result.returncode != 0, output
        assert "Traceback" not in output, output
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, output
        return lines[0]

    return fails_with_one_line


@pytest.fixture
def empty_postgresql_database():
    url = create_database()
    yield url
    drop_database(url)


def _serving(**settings):
    """Settings for the checks that run when serving; testing turns them off by default."""
    return {"APP_ENV": "testing", "PREFLIGHT_CHECKS": "1", **settings}


def test_production_without_secret_key_asks_for_one(fails_with_one_line):
    line = fails_with_one_line(APP_ENV="production", DATABASE_URL=CLOSED_PORT_URL)
    assert "SECRET_KEY" in line and "secrets.token_hex" in line


def test_production_refuses_a_short_secret_key(fails_with_one_line):
    line = fails_with_one_line(APP_ENV="production", SECRET_KEY="short-secret", DATABASE_URL=CLOSED_PORT_URL)
    assert "SECRET_KEY is too short" in line


def test_production_without_database_url_asks_for_one(fails_with_one_line):
    line = fails_with_one_line(APP_ENV="production", SECRET_KEY=SECRET)
    assert "DATABASE_URL" in line and "postgresql+psycopg://" in line


def test_malformed_database_url_shows_the_expected_form(fails_with_one_line):
    line = fails_with_one_line(**_serving(DATABASE_URL="postgres//oops"))
    assert "DATABASE_URL" in line and "postgres//oops" in line
    assert "postgresql+psycopg://USER:PASSWORD@HOST:5432/DBNAME" in line


def test_unreachable_database_says_it_cannot_connect(fails_with_one_line):
    line = fails_with_one_line(**_serving(DATABASE_URL=CLOSED_PORT_URL))
    assert "Cannot connect to the database" in line and "DATABASE_URL" in line
    assert "127.0.0.1:1/x" in line


def test_unreachable_broker_names_celery_broker_url(fails_with_one_line, database_url):
    line = fails_with_one_line(**_serving(DATABASE_URL=database_url, CELERY_BROKER_URL=CLOSED_BROKER_URL))
    assert "Cannot reach the Celery broker" in line and "CELERY_BROKER_URL" in line


@pytest.mark.parametrize("broker_url", ["nosuch://127.0.0.1/0", "redis//oops"])
def test_unusable_broker_url_shows_the_expected_form(fails_with_one_line, database_url, broker_url):
    line = fails_with_one_line(**_serving(DATABASE_URL=database_url, CELERY_BROKER_URL=broker_url))
    assert "CELERY_BROKER_URL" in line and "redis://HOST:6379/0" in line


def test_empty_postgresql_database_asks_for_db_upgrade(fails_with_one_line, empty_postgresql_database):
    line = fails_with_one_line(**_serving(DATABASE_URL=empty_postgresql_database))
    assert "behind" in line and "flask --app wsgi db upgrade" in line


def test_empty_sqlite_file_asks_for_db_upgrade(fails_with_one_line, tmp_path):
    path = tmp_path / "empty.sqlite"
    path.touch()
    line = fails_with_one_line(**_serving(DATABASE_URL=f"sqlite:///{path}"))
    assert "behind" in line and "flask --app wsgi db upgrade" in line


def test_unknown_app_env_lists_the_known_ones(fails_with_one_line):
    line = fails_with_one_line(APP_ENV="staging")
    assert "APP_ENV" in line and "staging" in line
    assert all(name in line for name in ("development", "production", "testing"))


def _production(database_url, **settings):
    return {
        "APP_ENV": "production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "PUBLIC_URL": "http://localhost",
        **settings,
    }


def test_production_refuses_rate_limits_and_cache_in_process_memory(fails_with_one_line, database_url):
    line = fails_with_one_line(**_production(database_url, CELERY_BROKER_URL=AMQP_URL))
    assert "RATELIMIT_STORAGE_URI and CACHE_URL are in process memory" in line
    assert "per-address limits do not hold" in line
    assert "RATELIMIT_STORAGE_URI=redis://HOST:6379/1" in line


def test_production_refuses_a_memory_storage_even_when_asked_for(fails_with_one_line, database_url):
    settings = _production(
        database_url, CELERY_BROKER_URL=AMQP_URL, RATELIMIT_STORAGE_URI="memory://", CACHE_URL=REDIS_URL
    )
    line = fails_with_one_line(**settings)
    assert line.startswith("undersigned: RATELIMIT_STORAGE_URI is in process memory")


def _started(run, settings):
    """The one line production says at start, when `flask check` passes."""
    result = run(ENTRY_POINTS["flask-check"], **settings)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_production_keeps_rate_limits_and_cache_in_the_brokers_redis_and_says_so(run, database_url):
    line = _started(run, _production(database_url, CELERY_BROKER_URL="redis://127.0.0.1:6379/15"))
    assert "RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (the broker's Redis, another db)" in line
    assert "CACHE_URL=redis://127.0.0.1:6379/1 (the broker's Redis, another db)." in line


def test_production_uses_the_storage_it_is_given_and_says_so(run, database_url):
    settings = _production(
        database_url,
        CELERY_BROKER_URL=AMQP_URL,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/14",
        CACHE_URL="redis://127.0.0.1:6379/13",
    )
    line = _started(run, settings)
    assert "RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/14, CACHE_URL=redis://127.0.0.1:6379/13." in line
    assert "broker" not in line


def test_unreachable_rate_limit_redis_names_its_setting(fails_with_one_line, database_url):
    settings = _production(database_url, CELERY_BROKER_URL=REDIS_URL, RATELIMIT_STORAGE_URI=CLOSED_BROKER_URL)
    line = fails_with_one_line(**settings)
    assert "Cannot reach Redis for RATELIMIT_STORAGE_URI at redis://127.0.0.1:1/0" in line


def test_migrated_database_and_live_broker_start_cleanly(run, database_url):
    settings = _serving(DATABASE_URL=database_url, CELERY_BROKER_URL=REDIS_URL)
    check = run(ENTRY_POINTS["flask-check"], **settings)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "ready" in check.stdout and not check.stderr.strip()
    serve = run(ENTRY_POINTS["gunicorn-import"], **settings)
    assert serve.returncode == 0, serve.stdout + serve.stderr
    assert not (serve.stdout + serve.stderr).strip()


def test_production_session_cookie_is_secure_httponly_and_lax(production_app):
    assert production_app.config["SESSION_COOKIE_SECURE"] is True
    assert production_app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production_app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production_app.config["REMEMBER_COOKIE_SECURE"] is True
    with production_app.app_context():
        response = production_app.test_client().get("/login")
    assert response.status_code == 200
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax"} <= attributes, cookie
