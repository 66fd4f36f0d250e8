"""Migration 0026: staff keep their rights (their role on every campaign), and the log stays append-only."""

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests import conftest
from tests.migrations.test_version_design_migration import _insert


@pytest.fixture
def app_at_0025(tmp_path, app):
    url = conftest.create_database("undersigned_migration_0026")
    own = create_app(conftest.test_settings(url, INSTANCE_PATH=str(tmp_path / "instance")))
    try:
        with own.app_context():
            upgrade(revision="0025")
            yield own
            db.engine.dispose()
    finally:
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()
        conftest.drop_database(url)


def test_each_viewer_and_editor_gets_their_role_on_every_campaign(app_at_0025):
    with db.engine.begin() as connection:
        tables = sa.MetaData()
        tables.reflect(bind=connection)
        tables = tables.tables
        users = {
            role: _insert(connection, tables, "users", email=f"{role}@x.org", role=role, is_enabled=True)
            for role in ("admin", "editor", "viewer")
        }
        campaigns = [_insert(connection, tables, "campaigns", slug=s, status="active") for s in ("a", "b")]
        letter = _insert(connection, tables, "letters", campaign_id=campaigns[1], slug="l", kind="petition",
                         status="draft", template="petition", lock_version=1)  # fmt: skip
        _insert(connection, tables, "audit_log", action="letter.save", object_type="letters",
                object_id=letter, actor_id=users["editor"], details={})  # fmt: skip
        _insert(connection, tables, "audit_log", action="user.login_backoff", details={})

    upgrade(revision="0026")

    with db.engine.connect() as connection:
        members = connection.execute(
            sa.text("SELECT user_id, campaign_id, role FROM campaign_members ORDER BY role, campaign_id")
        ).all()
        query = "SELECT action, kind, campaign_id FROM audit_log ORDER BY id"
        entries = connection.execute(sa.text(query)).all()
    assert members == [
        (users["editor"], campaigns[0], "editor"),
        (users["editor"], campaigns[1], "editor"),
        (users["viewer"], campaigns[0], "viewer"),
        (users["viewer"], campaigns[1], "viewer"),
    ]
    assert entries == [("letter.save", "staff", campaigns[1]), ("user.login_backoff", "worker", None)]
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_log"))
