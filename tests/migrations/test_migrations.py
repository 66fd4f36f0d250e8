"""The migrations build exactly the models' schema on PostgreSQL and SQLite, and undo it step by step."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from app import create_app
from app.core.models import UTCDateTime
from app.extensions import db
from tests import conftest


@pytest.fixture(params=["postgresql", "sqlite"])
def database(request, tmp_path):
    """A fresh, empty database of each kind the app runs on."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    url = conftest.create_database("undersigned_migrations")
    yield url
    conftest.drop_database(url)


@pytest.fixture
def migrations_app(database, tmp_path, app):
    """An app of its own on the fresh database, inside its app context."""
    own = create_app(conftest.test_settings(database, INSTANCE_PATH=str(tmp_path / "instance")))
    try:
        with own.app_context():
            yield own
            db.engine.dispose()
    finally:
        # Creating an app makes its Celery the current one; give the tasks back the session app's.
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()


def _render_item(type_, obj, autogen_context):
    """As migrations/env.py: our own column types are written as the types they store."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _schema_differences():
    """What `flask db migrate` would put in a new migration: nothing, when models and migrations agree."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_item": _render_item, "target_metadata": db.metadata},
        )
        return compare_metadata(context, db.metadata)


def _tables():
    return set(sa.inspect(db.engine).get_table_names())


def _current_revision():
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _revisions_oldest_first(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def test_upgrade_to_head_builds_exactly_the_models_schema(migrations_app):
    upgrade()
    differences = _schema_differences()
    assert differences == [], "\n".join(map(str, differences))
    assert {table.name for table in db.metadata.sorted_tables} <= _tables()


def test_downgrade_to_base_leaves_only_alembic_version_and_upgrade_works_again(migrations_app):
    upgrade()
    downgrade(revision="base")
    assert _tables() == {"alembic_version"}
    assert _current_revision() is None
    upgrade()
    differences = _schema_differences()
    assert differences == [], "\n".join(map(str, differences))


def _schema():
    """Every table with its columns: what a revision changes and its downgrade must undo."""
    inspector = sa.inspect(db.engine)
    return {
        table: sorted(column["name"] for column in inspector.get_columns(table))
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def test_each_revision_downgrades_to_exactly_the_schema_before_it(migrations_app):
    revisions = _revisions_oldest_first(migrations_app)
    schemas = [_schema()]
    for revision in revisions:
        upgrade(revision="+1")
        assert _current_revision() == revision
        schemas.append(_schema())
        assert schemas[-1] != schemas[-2], f"revision {revision} changed nothing"

    for revision, previous in zip(reversed(revisions), [*reversed(revisions[:-1]), None], strict=True):
        schemas.pop()
        downgrade(revision="-1")
        assert _current_revision() == previous
        assert _schema() == schemas[-1], f"downgrade of {revision}"
    assert _tables() == {"alembic_version"}
