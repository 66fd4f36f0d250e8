"""Migration 0009 on PostgreSQL: duplicates already in the database are merged before the index."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from app.signatures.models import SignatureStatus
from tests import conftest
from tests.factories import SignatoryFactory, SignatureFactory
from tests.signatures.conftest import make_open_letter

S = SignatureStatus


@pytest.fixture
def own_database(tmp_path, app):
    """A fresh PostgreSQL database, migrated to the head, with an app of its own."""
    url = conftest.create_database("undersigned_migration_0009")
    own = create_app(conftest.test_settings(url, INSTANCE_PATH=str(tmp_path / "instance")))
    try:
        with own.app_context():
            upgrade()
            yield
            db.session.remove()
            db.engine.dispose()
    finally:
        # Creating an app makes its Celery the current one; give the tasks back the session app's.
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()
        conftest.drop_database(url)


def test_the_migration_merges_standing_duplicates_into_the_one_that_counts_most(own_database):
    letter = make_open_letter()
    other = make_open_letter()

    def signature(status, email, on=letter):
        return SignatureFactory(
            letter_id=on.id,
            version_id=on.current_version.id,
            status=status,
            signatory=SignatoryFactory(email=email),
        ).id

    pending, approved, held = (
        signature(s, f"{n}@example.org") for n, s in enumerate((S.PENDING, S.APPROVED, S.HELD))
    )
    withdrawn = signature(S.WITHDRAWN, "w@example.org")
    elsewhere = signature(S.APPROVED, "e@example.org", on=other)
    db.session.commit()
    downgrade(revision="0008")
    # Before the index, the same person could stand three times on one letter.
    same = [pending, approved, held, withdrawn, elsewhere]
    db.session.execute(
        sa.text(
            "UPDATE signatories SET email_key = 'jane@example.org'"
            " WHERE id IN (SELECT signatory_id FROM signatures WHERE id IN :ids)"
        ).bindparams(sa.bindparam("ids", expanding=True)),
        {"ids": same},
    )
    db.session.commit()

    upgrade()

    rows = db.session.execute(
        sa.text("SELECT id, status, merged_into_id, email_key FROM signatures ORDER BY id")
    ).all()
    assert [tuple(row) for row in rows] == [
        (pending, "merged", approved, "jane@example.org"),
        (approved, "approved", None, "jane@example.org"),
        (held, "merged", approved, "jane@example.org"),
        (withdrawn, "withdrawn", None, "jane@example.org"),
        (elsewhere, "approved", None, "jane@example.org"),  # another letter: not a duplicate
    ]
