"""The audit log: append-only, filterable by campaign, person and kind, exported as safe CSV."""

import csv
import io

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.core import audit
from app.core.audit import AuditLog
from app.models import Role
from tests.factories import PASSWORD, CampaignFactory, LetterFactory, UserFactory
from tests.helpers import log_in, page_text


@pytest.fixture
def two_campaigns(db):
    mine, theirs = CampaignFactory(slug="mine", staff={}), CampaignFactory(slug="theirs", staff={})
    editor = UserFactory(role=Role.EDITOR, campaigns={mine: "editor", theirs: "viewer"})
    audit.record(
        "letter.save",
        LetterFactory(campaign=mine),
        actor=editor,
        before={"title_en": "Old"},
        after={"title_en": '=HYPERLINK("x")'},
    )
    audit.record(
        "letter.save", LetterFactory(campaign=theirs), actor=editor, after={"title_en": "Their secret"}
    )
    audit.record("document.render", campaign=mine, kind="worker", after={"status": "ready"})
    db.session.commit()
    return mine, theirs, editor


def test_an_editor_sees_only_the_entries_of_the_campaigns_they_edit(client, two_campaigns):
    mine, theirs, editor = two_campaigns
    assert log_in(client, editor.email, PASSWORD).status_code == 302
    text = page_text(client.get("/staff/audit"))
    assert "Old" in text and "document.render" in text
    assert "Their secret" not in text
    assert "Their secret" not in page_text(client.get(f"/staff/audit?campaign={theirs.id}"))


def test_admin_filters_by_campaign_person_and_kind(client, auth, two_campaigns):
    mine, theirs, editor = two_campaigns
    auth.login("admin")
    assert "Their secret" in page_text(client.get(f"/staff/audit?campaign={theirs.id}"))
    assert "Old" not in page_text(client.get(f"/staff/audit?campaign={theirs.id}"))
    by_kind = page_text(client.get("/staff/audit?kind=worker"))
    assert "document.render" in by_kind and "letter.save" not in by_kind
    by_person = page_text(client.get(f"/staff/audit?actor={editor.id}"))
    assert "letter.save" in by_person and "document.render" not in by_person


def test_the_csv_export_neutralizes_formulas(client, two_campaigns):
    mine, _theirs, editor = two_campaigns
    assert log_in(client, editor.email, PASSWORD).status_code == 302
    response = client.get(f"/staff/audit/export.csv?campaign={mine.id}")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["action"] for r in rows} == {"letter.save", "document.render"}
    saved = next(r for r in rows if r["action"] == "letter.save")
    assert saved["who"] == editor.email and saved["campaign"] == "mine"
    assert '"=HYPERLINK' in saved["after"] and not saved["after"].startswith("=")


def test_entries_cannot_be_changed_or_deleted_in_the_database(db, two_campaigns):
    entry_id = db.session.scalar(sa.select(AuditLog.id).limit(1))
    for statement in (
        sa.update(AuditLog).where(AuditLog.id == entry_id).values(action="nothing"),
        sa.delete(AuditLog).where(AuditLog.id == entry_id),
    ):
        savepoint = db.session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(statement)
        savepoint.rollback()


def test_only_the_erasure_switch_lets_details_be_blanked(db, two_campaigns):
    entry_id = db.session.scalar(sa.select(AuditLog.id).limit(1))
    savepoint = db.session.begin_nested()
    db.session.execute(sa.text("SELECT set_config('undersigned.audit_erasure', 'on', true)"))
    db.session.execute(sa.update(AuditLog).where(AuditLog.id == entry_id).values(details={}, after={}))
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(sa.update(AuditLog).where(AuditLog.id == entry_id).values(action="other"))
    savepoint.rollback()
