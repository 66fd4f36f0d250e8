"""Undersigned: the application factory."""

import logging
import os

from flask import Flask

from config import ConfigError, load_config

__all__ = ["create_app", "ConfigError"]


def create_app(settings=None):
    """Build the app. `settings` overrides what the environment gives (tests use it)."""
    config = load_config((settings or {}).get("APP_ENV"), settings)
    app = Flask(__name__, instance_path=config["INSTANCE_PATH"], instance_relative_config=True)
    app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    keep_public_pages(app)
    guard_hosts(app)
    if app.config["PROXY_COUNT"]:
        # Behind a reverse proxy the client's address is in X-Forwarded-For; rate limits need it.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    configure_logging(app)
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_attention(app)
    register_error_handlers(app)
    register_overload(app)
    register_security_headers(app)
    register_input_checks(app)
    register_cli(app)
    register_celery(app)
    return app


def keep_public_pages(app):
    """Innermost: the host check and the proxy fix run before a kept page is served."""
    from app.core.page_cache import install

    install(app)


def guard_hosts(app):
    """Inside ProxyFix, so that a forwarded Host is checked too."""
    from app.core.hostile_input import HostGuard

    app.wsgi_app = HostGuard(app.wsgi_app)


def configure_logging(app):
    if not app.testing and not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("app").setLevel(logging.INFO)


def register_converters(app):
    from app.core.converters import register_converters as register

    register(app)


def register_extensions(app):
    from app import models  # noqa: F401  (every model known to SQLAlchemy and Alembic)
    from app.auth.login import configure_login
    from app.core.i18n import configure_i18n
    from app.core.sqlite import configure_sqlite
    from app.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    configure_sqlite(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
        render_as_batch=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    configure_login(app)
    configure_i18n(app)


def register_blueprints(app):
    from app.api import init_app as init_api
    from app.auth.staff_views import bp as staff_users_bp
    from app.auth.views import bp as auth_bp
    from app.campaigns.views import bp as campaigns_bp
    from app.core.audit_views import bp as staff_audit_bp
    from app.core.search_views import bp as search_bp
    from app.core.views import bp as core_bp
    from app.deliveries.cover_views import bp as delivery_covers_bp
    from app.deliveries.partner_staff_views import bp as delivery_partner_bp
    from app.deliveries.partner_views import bp as partner_bp
    from app.deliveries.record_views import bp as delivery_records_bp
    from app.deliveries.views import bp as deliveries_bp
    from app.documents.views import bp as documents_bp
    from app.inbound.views import bp as inbound_bp
    from app.jobs.views import bp as jobs_bp
    from app.letters.views import bp as letters_bp
    from app.mail.views import bp as mail_bp
    from app.recipients.views import bp as recipients_bp
    from app.responses.link_views import bp as response_links_bp
    from app.responses.reply_views import bp as right_of_reply_bp
    from app.responses.views import bp as responses_bp
    from app.signatures.staff_views import bp as signatures_staff_bp
    from app.signatures.views import bp as signatures_bp
    from app.timeline import proposals
    from app.timeline.feed import bp as timeline_feed_bp
    from app.timeline.views import bp as timeline_bp

    for bp in (
        core_bp,
        auth_bp,
        staff_users_bp,
        staff_audit_bp,
        campaigns_bp,
        letters_bp,
        signatures_bp,
        signatures_staff_bp,
        recipients_bp,
        documents_bp,
        mail_bp,
        deliveries_bp,
        delivery_records_bp,
        delivery_covers_bp,
        delivery_partner_bp,
        partner_bp,
        inbound_bp,
        jobs_bp,
        responses_bp,
        right_of_reply_bp,
        response_links_bp,
        timeline_bp,
        timeline_feed_bp,
        search_bp,
    ):
        app.register_blueprint(bp)
    proposals.register()  # a delivery that becomes delivered proposes its timeline event
    init_api(app)  # the API blueprint with its generated OpenAPI document


def register_attention(app):
    from app.core.attention import register

    register(app)


def register_error_handlers(app):
    from app.core.error_pages import register

    register(app)


def register_overload(app):
    from app.core.overload import register

    register(app)


def register_security_headers(app):
    from app.core.security_headers import register

    register(app)


def register_input_checks(app):
    from app.core.hostile_input import register

    register(app)


def register_cli(app):
    from app.auth.cli import users_cli
    from app.campaigns.cli import campaigns_cli
    from app.core.cli import check_command
    from app.demo.cli import demo_cli
    from app.documents.cli import documents_cli, letters_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(campaigns_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(check_command)
    app.cli.add_command(letters_cli)
    app.cli.add_command(documents_cli)


def register_celery(app):
    from app.core.celery import celery_init_app

    celery_init_app(app)
