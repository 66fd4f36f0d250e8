"""Start-up checks: each problem becomes one line naming the cause and the fix."""

import logging
import os

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from kombu import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from config import ConfigError, redacted_url

log = logging.getLogger(__name__)


def _where(url):
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        return url.database or "memory"
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def check_database():
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        raise ConfigError(
            f"Cannot connect to the database at {_where(url)} ({reason}). "
            "Check DATABASE_URL and that the database server is running."
        ) from None


def _script_directory():
    migrations = os.path.join(os.path.dirname(current_app.root_path), "migrations")
    return ScriptDirectory(migrations)


def check_migrations():
    heads = set(_script_directory().get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current != heads:
        have = ", ".join(sorted(current)) or "empty"
        raise ConfigError(
            f"The database is behind the code (database at {have}, code at {', '.join(sorted(heads))}). "
            "Run: flask --app wsgi db upgrade"
        )


def check_broker():
    url = current_app.config["CELERY_BROKER_URL"]
    if url.startswith(("memory://", "sqla+")):
        return
    try:
        if "://" not in url:
            raise ValueError("no scheme")
        connection = Connection(url, connect_timeout=3)
        safe = connection.as_uri()  # hides the password
    except Exception as error:  # an unknown transport, or one whose client library is missing
        text = str(error.args[0]) if error.args else ""  # KeyError's str() adds quotes
        reason = (text.strip().splitlines() or [type(error).__name__])[0]
        raise ConfigError(
            f"CELERY_BROKER_URL is not a broker URL Celery can use ({reason}). "
            "Use the form redis://HOST:6379/0 or amqp://USER:PASSWORD@HOST:5672//."
        ) from None
    try:
        with connection:
            connection.ensure_connection(max_retries=1, timeout=3)
    except Exception as error:  # kombu raises the transport's own errors
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ConfigError(
            f"Cannot reach the Celery broker at {safe} ({reason}). "
            "Check CELERY_BROKER_URL and that Redis or RabbitMQ is running."
        ) from None


def _ping_redis(url):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    finally:
        client.close()


def check_shared_storage():
    """Rate limits and the cache kept in Redis (always, in production): that Redis must answer."""
    for key in ("RATELIMIT_STORAGE_URI", "CACHE_URL"):
        url = current_app.config[key]
        if not url.startswith(("redis://", "rediss://")):
            continue
        try:
            _ping_redis(url)
        except Exception as error:  # redis raises its own errors, ValueError for a malformed URL
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise ConfigError(
                f"Cannot reach Redis for {key} at {redacted_url(url)} ({reason}). "
                f"Check {key} and that Redis is running."
            ) from None


def run_checks():
    check_database()
    check_migrations()
    check_broker()
    check_shared_storage()
    if current_app.config.get("SHARED_STORAGE_NOTE"):  # production says where its limits live
        log.info(current_app.config["SHARED_STORAGE_NOTE"])
    db.engine.dispose()  # no connection may outlive a fork of the serving processes
