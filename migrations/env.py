"""Alembic environment: migrations run against the app's own database and metadata."""

import sqlalchemy as sa
from alembic import context
from flask import current_app

from app.core.models import UTCDateTime

config = context.config
db = current_app.extensions["migrate"].db
target_metadata = db.metadata


def render_item(type_, obj, autogen_context):
    """Write our own column types as the plain SQLAlchemy types they store."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(**kwargs):
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        render_item=render_item,
        **kwargs,
    )


def run_migrations_offline():
    url = db.engine.url.render_as_string(hide_password=False)
    _configure(url=url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = config.attributes.get("connection") or db.engine
    if isinstance(connectable, sa.engine.Connection):
        _configure(connection=connectable)
        with context.begin_transaction():
            context.run_migrations()
        return
    with connectable.connect() as connection:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
