"""Settings, read from environment variables with embedded defaults.

APP_ENV selects the configuration: development (the default), production or testing.
Development runs with no server to install: SQLite in instance/, Celery on a SQLite
broker, and outgoing mail kept in an outbox that staff read in the UI.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance")).resolve()

ENVIRONMENTS = ("development", "production", "testing")


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which one and how to fix it."""


def _env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def _env_int(name, default):
    value = _env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {value!r}.") from None


def _env_float(name, default):
    value = _env(name)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {value!r}.") from None


def _env_bool(name, default):
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Settings shared by every environment."""

    APP_ENV = "development"
    INSTANCE_PATH = str(INSTANCE_DIR)
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    # Languages the product speaks; the first is the fallback.
    LANGUAGES = ("en", "ko")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    # Cookies: never readable by scripts, never sent on cross-site posts.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    # Staff login back-off; no account is ever locked for everyone.
    #: Failed logins on one account from one address before that address must wait for it ...
    LOGIN_MAX_FAILURES = 5
    #: ... failed logins on any accounts from one address before it must wait for all of them ...
    LOGIN_ADDRESS_MAX_FAILURES = 20
    #: ... then the first wait, doubled with each further failure, up to the longest.
    LOGIN_BACKOFF_START = timedelta(seconds=1)
    LOGIN_BACKOFF_MAX = timedelta(minutes=15)

    RATELIMIT_STORAGE_URI = "memory://"
    #: Where public pages keep their computed data: memory:// or redis://HOST:6379/N.
    CACHE_URL = "memory://"
    #: Longest a public page may lag behind a change that did not clear it (a new signature).
    PUBLIC_CACHE_SECONDS = 10
    RATELIMIT_HEADERS_ENABLED = True

    #: Uploaded files (organization logos); under the instance folder unless set.
    UPLOAD_FOLDER = None
    #: Working days a recipient has to answer, from the send, skipping the recipient country's holidays.
    RESPONSE_DUE_WORKING_DAYS = 20
    #: Working days after the send from which an unanswered delivery is long overdue.
    RESPONSE_LONG_OVERDUE_WORKING_DAYS = 40
    #: Working days a chaser waits after the last chaser of the same delivery.
    CHASER_MIN_GAP_WORKING_DAYS = 10
    LOGO_MAX_BYTES = 2 * 1024 * 1024
    #: Largest proof file of a delivery (receipt scan, photo, fax report), in bytes.
    PROOF_MAX_BYTES = 10 * 1024 * 1024
    #: Largest attachment of a response (PDF, JPEG or PNG), in bytes ...
    RESPONSE_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    #: ... and largest raw email (.eml) staff may upload to log a response.
    RESPONSE_EML_MAX_BYTES = 15 * 1024 * 1024
    #: A form sent sooner than this after it was shown is held as a probable bot.
    SIGN_ON_MIN_SECONDS = 3
    #: Under overload (app/core/overload.py): a request that waited longer than this in the queue is
    #: refused at once; a sign-on past its deadline when about to commit is rolled back; both 503.
    REQUEST_QUEUE_SECONDS = 1.0
    SIGN_ON_DEADLINE_SECONDS = 1.8
    #: Sign-ons that run at once in one process (0: as many as it has threads).
    SIGN_ON_CONCURRENCY = 0
    #: What a 503 "busy" answer tells clients to wait before trying again, in seconds.
    BUSY_RETRY_AFTER_SECONDS = 60
    CONFIRMATION_REMINDER_HOURS = 24
    CONFIRMATION_EXPIRY_DAYS = 7
    #: Personal data of a closed letter's signatories is anonymized this long after closing.
    SIGNATORY_RETENTION_DAYS = 183
    #: Key for hashing IP addresses; derived from SECRET_KEY when not set.
    IP_HASH_KEY = None

    CELERY_BROKER_URL = None
    CELERY_TASK_ALWAYS_EAGER = False
    # A task that keeps failing is given up after this many retries.
    CELERY_MAX_RETRIES = 5

    # "outbox" keeps mail in the database for staff to read; "smtp" sends it.
    MAIL_BACKEND = "outbox"
    MAIL_DEFAULT_SENDER = "Undersigned <no-reply@undersigned.local>"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_TIMEOUT = 30
    #: CA certificates (PEM) that the SMTP server's certificate is checked against; None: the system's.
    MAIL_CA_FILE = None

    #: How many proxies in front of the app set X-Forwarded-For / -Proto; 0 when none.
    PROXY_COUNT = 0

    #: The address people reach the site at; every link in an email is built on it.
    PUBLIC_URL = None
    #: Host names, besides PUBLIC_URL's, that production answers (comma-separated in the environment).
    ALLOWED_HOSTS: tuple = ()
    #: Flask's check of the Host header; production sets it from PUBLIC_URL and ALLOWED_HOSTS.
    TRUSTED_HOSTS = None
    #: A message that keeps failing for a passing reason is given up after this many attempts.
    MAIL_MAX_ATTEMPTS = 10
    #: The address and body of a sent message are blanked this many days after sending.
    MAIL_RETENTION_DAYS = 30
    #: Seconds a web request waits for the broker before leaving its email to the mail sweeper.
    CELERY_BROKER_TIMEOUT = 5
    #: The coalition's address that letters are emailed from; None: MAIL_DEFAULT_SENDER.
    DELIVERY_FROM = None
    #: Replies to a delivered letter go here, plus-addressed per delivery (replies+TOKEN-HMAC@...).
    REPLY_TO_ADDRESS = "replies@undersigned.local"
    #: An email-to-fax gateway, e.g. "{number}@fax.example.net"; None: faxes are recorded by hand.
    FAX_EMAIL_GATEWAY = None
    #: Days a partner organization's private link to its delivery page stays valid.
    PARTNER_LINK_DAYS = 60
    #: Days a delivery email's right-of-reply link stays valid.
    REPLY_LINK_DAYS = 365
    #: A delivery that keeps failing for a passing reason is given up after this many attempts.
    DELIVERY_MAX_ATTEMPTS = 8
    #: Seconds before the second attempt, doubled at each further one, at most DELIVERY_RETRY_CAP.
    DELIVERY_RETRY_BASE = 60
    #: Well below the broker's visibility timeout (Redis: 3600 s) and RabbitMQ's consumer timeout.
    DELIVERY_RETRY_CAP = 900
    #: The mailbox replies arrive in: imaps://USER:PASSWORD@HOST:993/INBOX, or imap:// (plain or
    #: STARTTLS; plain only on loopback); parts percent-encoded. None: no mailbox is read.
    INBOUND_IMAP_URL = None
    #: CA certificates (PEM) that the IMAP server's certificate is checked against; None: the system's.
    INBOUND_IMAP_CA_FILE = None
    #: Seconds between two reads of the mailbox.
    INBOUND_POLL_SECONDS = 60
    #: A message bigger than this (bytes) is stored by its headers and size only.
    INBOUND_MAX_BYTES = 25 * 1024 * 1024
    #: A short or typical reply arriving within this many minutes of the send is an automatic one.
    AUTO_REPLY_MINUTES = 10

    # Check that the database is migrated and the broker is reachable when serving.
    PREFLIGHT_CHECKS = True

    #: Where rendered PDFs are kept; None means instance/documents.
    DOCUMENT_FOLDER = None
    #: A render is told to stop after this many seconds (SoftTimeLimitExceeded) ...
    PDF_SOFT_TIME_LIMIT = 120
    #: ... and its worker child is killed after this many.
    PDF_TIME_LIMIT = 180
    #: A worker child that grew past this many KiB is replaced after its task.
    PDF_WORKER_MAX_MEMORY_KB = 512_000
    #: Seconds an API client is asked to wait before polling a render again.
    PDF_RETRY_AFTER = 5
    #: The coalition's signing key and certificate as PKCS#12; None: a self-signed one in instance/signing.
    SIGNING_PKCS12_PATH = None
    SIGNING_PKCS12_PASSWORD = None
    #: Subject of the self-signed certificate, and the signer named in every PDF.
    SIGNING_NAME = "Undersigned coalition"
    #: Largest PDF the verify page and API accept, in bytes.
    VERIFY_MAX_BYTES = 10 * 1024 * 1024
    #: Verifications one IP address may ask for, in Flask-Limiter notation.
    VERIFY_RATE_LIMIT = "30 per minute"
    #: Seconds browsers are told to reach the site over HTTPS only (Strict-Transport-Security); 0 sends none.
    HSTS_MAX_AGE = 0


class DevelopmentConfig(Config):
    APP_ENV = "development"
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'undersigned.sqlite'}"
    CELERY_BROKER_URL = f"sqla+sqlite:///{INSTANCE_DIR / 'celery-broker.sqlite'}"
    PUBLIC_URL = "http://127.0.0.1:5000"


class ProductionConfig(Config):
    APP_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    MAIL_BACKEND = "smtp"
    HSTS_MAX_AGE = 365 * 24 * 3600


class TestingConfig(Config):
    APP_ENV = "testing"
    SECRET_KEY = "testing-secret-key"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    TESTING = True
    PREFLIGHT_CHECKS = False
    PUBLIC_URL = "http://localhost"


_CLASSES = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}

_OVERRIDES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "CELERY_BROKER_URL": "CELERY_BROKER_URL",
    "SECRET_KEY": "SECRET_KEY",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "CACHE_URL": "CACHE_URL",
    "UPLOAD_FOLDER": "UPLOAD_FOLDER",
    "IP_HASH_KEY": "IP_HASH_KEY",
    "MAIL_BACKEND": "MAIL_BACKEND",
    "MAIL_DEFAULT_SENDER": "MAIL_DEFAULT_SENDER",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "DOCUMENT_FOLDER": "DOCUMENT_FOLDER",
    "SIGNING_PKCS12_PATH": "SIGNING_PKCS12_PATH",
    "SIGNING_PKCS12_PASSWORD": "SIGNING_PKCS12_PASSWORD",
    "SIGNING_NAME": "SIGNING_NAME",
    "PUBLIC_URL": "PUBLIC_URL",
    "ALLOWED_HOSTS": "ALLOWED_HOSTS",
    "DELIVERY_FROM": "DELIVERY_FROM",
    "REPLY_TO_ADDRESS": "REPLY_TO_ADDRESS",
    "FAX_EMAIL_GATEWAY": "FAX_EMAIL_GATEWAY",
    "MAIL_CA_FILE": "MAIL_CA_FILE",
    "INBOUND_IMAP_URL": "INBOUND_IMAP_URL",
    "INBOUND_IMAP_CA_FILE": "INBOUND_IMAP_CA_FILE",
}

#: Whole-number settings that the environment may override.
_INT_SETTINGS = ("PDF_SOFT_TIME_LIMIT", "PDF_TIME_LIMIT", "PDF_WORKER_MAX_MEMORY_KB", "VERIFY_MAX_BYTES")
_INT_SETTINGS += ("MAIL_MAX_ATTEMPTS", "MAIL_RETENTION_DAYS", "CELERY_BROKER_TIMEOUT")
_INT_SETTINGS += ("PROOF_MAX_BYTES",)
_INT_SETTINGS += ("RESPONSE_ATTACHMENT_MAX_BYTES", "RESPONSE_EML_MAX_BYTES")
_INT_SETTINGS += ("DELIVERY_MAX_ATTEMPTS", "DELIVERY_RETRY_BASE", "DELIVERY_RETRY_CAP")
_INT_SETTINGS += ("INBOUND_POLL_SECONDS", "INBOUND_MAX_BYTES", "AUTO_REPLY_MINUTES")
_INT_SETTINGS += ("RESPONSE_DUE_WORKING_DAYS", "RESPONSE_LONG_OVERDUE_WORKING_DAYS")
_INT_SETTINGS += ("CHASER_MIN_GAP_WORKING_DAYS",)
_INT_SETTINGS += ("SIGN_ON_CONCURRENCY", "BUSY_RETRY_AFTER_SECONDS")
#: Settings in seconds, with a fraction, that the environment may override.
_FLOAT_SETTINGS = ("REQUEST_QUEUE_SECONDS", "SIGN_ON_DEADLINE_SECONDS")
_INT_SETTINGS += ("PARTNER_LINK_DAYS", "REPLY_LINK_DAYS")


def load_config(env=None, overrides=None):
    """Return the settings for APP_ENV as a plain dict, or raise ConfigError.

    `overrides` (from create_app, e.g. in tests) win over the environment.
    """
    env = env or _env("APP_ENV", "development")
    if env not in _CLASSES:
        choices = ", ".join(ENVIRONMENTS)
        raise ConfigError(f"APP_ENV={env!r} is not known; use one of: {choices}.")
    cls = _CLASSES[env]
    settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
    for var, key in _OVERRIDES.items():
        value = _env(var)
        if value is not None:
            settings[key] = value
    settings["MAIL_PORT"] = _env_int("MAIL_PORT", settings["MAIL_PORT"])
    settings["PROXY_COUNT"] = _env_int("PROXY_COUNT", settings["PROXY_COUNT"])
    for key in _INT_SETTINGS:
        settings[key] = _env_int(key, settings[key])
    for key in _FLOAT_SETTINGS:
        settings[key] = _env_float(key, settings[key])
    settings["SIGNATORY_RETENTION_DAYS"] = _env_int(
        "SIGNATORY_RETENTION_DAYS", settings["SIGNATORY_RETENTION_DAYS"]
    )
    settings["HSTS_MAX_AGE"] = _env_int("HSTS_MAX_AGE", settings["HSTS_MAX_AGE"])
    settings["MAIL_USE_TLS"] = _env_bool("MAIL_USE_TLS", settings["MAIL_USE_TLS"])
    settings["MAIL_USE_SSL"] = _env_bool("MAIL_USE_SSL", settings["MAIL_USE_SSL"])
    settings["PREFLIGHT_CHECKS"] = _env_bool("PREFLIGHT_CHECKS", settings["PREFLIGHT_CHECKS"])
    settings["CELERY_TASK_ALWAYS_EAGER"] = _env_bool(
        "CELERY_TASK_ALWAYS_EAGER", settings["CELERY_TASK_ALWAYS_EAGER"]
    )
    settings.update(overrides or {})
    settings["SQLALCHEMY_DATABASE_URI"] = database_url(settings["SQLALCHEMY_DATABASE_URI"])
    settings["UPLOAD_FOLDER"] = settings["UPLOAD_FOLDER"] or str(Path(settings["INSTANCE_PATH"]) / "uploads")
    if env == "development" and not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = _development_secret(Path(settings["INSTANCE_PATH"]))
    _require(settings, env)
    _public_address(settings, env)
    if env == "production":
        settings["SHARED_STORAGE_NOTE"] = shared_storage(settings)
    return settings


def _public_address(settings, env):
    """Check PUBLIC_URL; in production, answer only requests for its host and ALLOWED_HOSTS."""
    value = settings["PUBLIC_URL"]
    if not value:
        raise ConfigError(
            "PUBLIC_URL is not set. Production needs the address people reach the site at, "
            "used in every link the emails carry, e.g. PUBLIC_URL=https://letters.example.org"
        )
    url = urlsplit(value.strip())
    if url.scheme not in ("http", "https") or not url.hostname or url.query or url.fragment:
        raise ConfigError(
            f"PUBLIC_URL={value!r} is not a web address; use the form https://letters.example.org "
            "(a path such as https://example.org/letters is allowed)."
        )
    settings["PUBLIC_URL"] = value.strip().rstrip("/")
    hosts = settings["ALLOWED_HOSTS"]
    if isinstance(hosts, str):
        hosts = [host.strip() for host in hosts.split(",")]
    settings["ALLOWED_HOSTS"] = tuple(host for host in hosts if host)
    if env == "production" and settings["TRUSTED_HOSTS"] is None:
        settings["TRUSTED_HOSTS"] = [url.hostname, *settings["ALLOWED_HOSTS"]]


def _development_secret(instance_dir):
    """A random key made on first run and kept in instance/, so no secret lives in the code."""
    path = instance_dir / "secret-key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def database_url(value):
    """Check a database URL and pick the psycopg 3 driver for plain PostgreSQL URLs."""
    if not value:
        return value
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(value)
    except ArgumentError:
        raise ConfigError(
            f"DATABASE_URL {value!r} is not a database URL. Use the form "
            "postgresql+psycopg://USER:PASSWORD@HOST:5432/DBNAME (or sqlite:///PATH)."
        ) from None
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql") and url.drivername in (
        "postgres",
        "postgresql",
    ):
        url = url.set(drivername="postgresql+psycopg")
    elif backend not in ("postgresql", "sqlite"):
        raise ConfigError(
            f"DATABASE_URL uses {url.drivername!r}; Undersigned runs on PostgreSQL "
            "(postgresql+psycopg://...) or SQLite (sqlite:///PATH)."
        )
    return url.render_as_string(hide_password=False)


def _require(settings, env):
    if not settings["SECRET_KEY"]:
        raise ConfigError(
            "SECRET_KEY is not set. Production needs its own secret: "
            "export SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_hex(32))')\""
        )
    if env == "production" and len(settings["SECRET_KEY"]) < 32:
        raise ConfigError("SECRET_KEY is too short; production needs at least 32 random characters.")
    if not settings["SQLALCHEMY_DATABASE_URI"]:
        raise ConfigError(
            "DATABASE_URL is not set. Production needs PostgreSQL, e.g. "
            "DATABASE_URL=postgresql+psycopg://undersigned:PASSWORD@127.0.0.1:5432/undersigned"
        )
    if not settings["CELERY_BROKER_URL"]:
        raise ConfigError(
            "CELERY_BROKER_URL is not set. Production needs Redis or RabbitMQ, e.g. "
            "CELERY_BROKER_URL=redis://127.0.0.1:6379/0 or amqp://guest:guest@127.0.0.1:5672//"
        )
    pkcs12 = settings["SIGNING_PKCS12_PATH"]
    if pkcs12 and not Path(pkcs12).is_file():
        raise ConfigError(
            f"SIGNING_PKCS12_PATH={pkcs12!r} is not a readable file. Point it at the coalition's "
            "PKCS#12 (.p12) signing key, or unset it to sign with a self-signed certificate."
        )
    if settings["MAIL_BACKEND"] not in ("outbox", "smtp"):
        raise ConfigError(f"MAIL_BACKEND={settings['MAIL_BACKEND']!r} is not known; use outbox or smtp.")


#: Settings that must be shared by every serving process: in process memory, per-address limits do not hold.
_SHARED = ("RATELIMIT_STORAGE_URI", "CACHE_URL")


def _in_memory(url):
    return not url or url.startswith("memory://")


def _redis_db(broker, offset):
    """The broker's Redis with another db number, so rate limits and the cache never meet its queues."""
    parts = urlsplit(broker)
    number = parts.path.strip("/")
    db = int(number) if number.isdigit() else 0
    return urlunsplit(parts._replace(path=f"/{(db + offset) % 16}"))


def shared_storage(settings):
    """Production: rate limits and cache in Redis, never in one process's memory; returns where, in a line."""
    broker = settings["CELERY_BROKER_URL"] or ""
    from_broker = []
    for offset, key in enumerate(_SHARED, start=1):
        if _in_memory(settings[key]) and broker.startswith(("redis://", "rediss://")):
            settings[key] = _redis_db(broker, offset)
            from_broker.append(key)
    missing = [key for key in _SHARED if _in_memory(settings[key])]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise ConfigError(
            f"{' and '.join(missing)} {verb} in process memory (memory://), where each gunicorn process "
            "keeps its own counts and per-address limits do not hold. Set "
            "RATELIMIT_STORAGE_URI=redis://HOST:6379/1 and CACHE_URL=redis://HOST:6379/2, "
            "or use Redis as CELERY_BROKER_URL."
        )
    where = ", ".join(
        f"{key}={redacted_url(settings[key])}"
        + (" (the broker's Redis, another db)" if key in from_broker else "")
        for key in _SHARED
    )
    return f"Rate limits and cache shared by all processes: {where}."


def redacted_url(url):
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1))
    return urlunsplit(parts)
