"""Migration 0012: versions frozen before it keep printing their letter's design, languages and addressees."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests import conftest


@pytest.fixture
def app_at_0007(tmp_path, app):
    """A fresh PostgreSQL database migrated to 0007, several revisions before 0012."""
    url = conftest.create_database("undersigned_migration_0012")
    own = create_app(conftest.test_settings(url, INSTANCE_PATH=str(tmp_path / "instance")))
    try:
        with own.app_context():
            upgrade(revision="0007")
            yield own
            db.engine.dispose()
    finally:
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()
        conftest.drop_database(url)


def _blank(column):
    """A value for a required column the test does not care about."""
    if isinstance(column.type, sa.Boolean):
        return False
    if isinstance(column.type, sa.Integer):
        return 0
    if isinstance(column.type, sa.DateTime):
        return datetime.now(UTC)
    if isinstance(column.type, sa.JSON):
        return []
    return ""


def _insert(connection, tables, name, **values):
    """Insert a row as the schema stands (reflected), filling required columns with blanks."""
    table = tables[name]
    for column in table.columns:
        if column.name not in values and not column.nullable and not column.primary_key:
            values[column.name] = _blank(column)
    result = connection.execute(table.insert().values(**values))
    return result.inserted_primary_key[0] if "id" in table.columns else None


def test_existing_versions_keep_their_letters_design_languages_and_addressees(app_at_0007):
    with db.engine.begin() as connection:
        tables = sa.MetaData()
        tables.reflect(bind=connection)
        tables = tables.tables
        campaign = _insert(connection, tables, "campaigns", slug="c", status="active")
        letter = _insert(
            connection, tables, "letters", campaign_id=campaign, slug="l", kind="petition", status="open",
            template="petition", single_language="ko", lock_version=1,
        )  # fmt: skip
        ministries = [
            _insert(connection, tables, "recipients", name_en=name, kind="ministry", preferred_language="en")
            for name in ("Ministry A", "Ministry B")
        ]
        for position, recipient in enumerate(reversed(ministries)):
            _insert(connection, tables, "letter_recipients", letter_id=letter, recipient_id=recipient,
                    position=position)  # fmt: skip
        version = _insert(
            connection, tables, "letter_versions", letter_id=letter, number=1, content_hash="0" * 64
        )

    upgrade(revision="0012")

    with db.engine.connect() as connection:
        frozen = connection.execute(
            sa.text("SELECT template, single_language, revision_number FROM letter_versions WHERE id = :v"),
            {"v": version},
        ).one()
        addressed = connection.execute(
            sa.text(
                "SELECT recipient_id FROM letter_version_recipients WHERE version_id = :v ORDER BY position"
            ),
            {"v": version},
        )
        assert tuple(frozen) == ("petition", "ko", None)
        assert addressed.scalars().all() == list(reversed(ministries))
