"""Shared fixtures: one PostgreSQL database per run, each test in a rolled-back transaction."""

import os
import uuid

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db as _db

#: A PostgreSQL database this run may connect to in order to create its own.
ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


def _admin_engine():
    return sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")


def create_database(prefix="undersigned_test"):
    """Create an empty PostgreSQL database and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    engine = _admin_engine()
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url):
    name = make_url(url).database
    engine = _admin_engine()
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


def test_settings(database_url, **extra):
    return {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": True,
        "SERVER_NAME": "localhost",
        **extra,
    }


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production: new `g`, new session."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = create_database()
    app = create_app(test_settings(url))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        _db.engine.dispose()
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(test_settings(database_url, INSTANCE_PATH=str(tmp_path_factory.mktemp("instance"))))
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(autouse=True)
def db(request, app):
    """Run the test inside a transaction that is rolled back afterwards.

    Tests marked `committed` write for real (a worker process must see their rows);
    every table is emptied after them.
    """
    with app.app_context():
        if request.node.get_closest_marker("committed"):
            yield _db
            _db.session.remove()
            _truncate_all()
            return
        engines = _db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        _db.session.session_factory.configure(join_transaction_mode="create_savepoint")
        try:
            yield _db
        finally:
            _db.session.remove()
            transaction.rollback()
            connection.close()
            engines[None] = engine


def _truncate_all():
    names = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
    with _db.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user():
    from tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def auth(client, make_user):
    """Log the client in as a new staff member of a given role: `auth.login("admin")`."""
    from tests.factories import PASSWORD
    from tests.helpers import log_in

    class Auth:
        user = None

        def login(self, role="editor"):
            self.user = make_user(role=role)
            response = log_in(client, self.user.email, PASSWORD)
            assert response.status_code == 302, response.get_data(as_text=True)
            return self.user

    return Auth()


@pytest.fixture(scope="session")
def openapi_validator(app):
    from tests.openapi import SpecValidator

    return SpecValidator(app.test_client().get("/api/v1/openapi.json").get_json())


@pytest.fixture
def api(app, client, openapi_validator, make_user):
    """An API client with an editor's token; `api.as_role("viewer")` switches the token."""
    from app.auth.services import issue_token
    from tests.openapi import ApiClient

    class Api(ApiClient):
        def as_role(self, role):
            user = make_user(role=role)
            self.token = issue_token(user)
            _db.session.commit()
            self.user = user
            return self

    return Api(app, client, openapi_validator).as_role("editor")


@pytest.fixture(autouse=True)
def fresh_rate_limits(app):
    """Every test starts with fresh rate limits (they live in memory:// during tests)."""
    from app.extensions import limiter

    limiter.reset()
    app.extensions.pop("sign_on_limiter", None)
    app.extensions["page_cache"].clear()  # pages kept by an earlier test show its rolled-back rows
