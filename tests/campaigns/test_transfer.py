"""`flask campaigns export` and `import`: a campaign moved to an empty instance exports the same."""

import hashlib
import json
import shutil
import zipfile

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db as _db
from tests import conftest
from tests.campaigns import whole_campaign
from tests.campaigns.whole_campaign import ERASED_EMAIL, ERASED_NAME
from tests.documents.conftest import pdf_text

#: Personal data of the erased signer, as a search would find it in any text.
ERASED = (ERASED_NAME, ERASED_EMAIL, "Quillfeather", "erin.quillfeather")


@pytest.fixture
def second(app, tmp_path):
    """An app on a new, empty, migrated database with its own file store."""
    url = conftest.create_database("undersigned_transfer")
    other = create_app(conftest.test_settings(url, INSTANCE_PATH=str(tmp_path / "second")))
    with other.app_context():
        upgrade()
    # Creating an app makes its Celery the current one; tasks queued by this test belong to the first.
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()
    try:
        yield other
    finally:
        with other.app_context():
            _db.engine.dispose()
        conftest.drop_database(url)


def invoke(app, *args):
    """Run a `flask` command in `app` (the test runs inside the first app's context)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        _db.session.remove()
        return result


def read_archive(path):
    with zipfile.ZipFile(path) as archive:
        tables = {
            name[len("tables/") : -len(".jsonl")]: [
                json.loads(line) for line in archive.read(name).splitlines()
            ]
            for name in archive.namelist()
            if name.startswith("tables/")
        }
        users = [json.loads(line) for line in archive.read("users.jsonl").splitlines()]
        files = {
            name: hashlib.sha256(archive.read(name)).hexdigest()
            for name in archive.namelist()
            if name.startswith("files/")
        }
        manifest = json.loads(archive.read("manifest.json"))
    return tables, users, files, manifest


def normalized(path):
    """The archive's rows with ids replaced by their rank in their table, links alike; files by hash."""
    tables, users, files, manifest = read_archive(path)
    emails = {user["id"]: user["email"] for user in users}
    ranks = {
        name: {row["id"]: rank for rank, row in enumerate(sorted(rows, key=lambda r: r["id"]))}
        for name, rows in tables.items()
        if rows and "id" in rows[0]
    }
    out = {}
    for name, rows in tables.items():
        columns = _db.metadata.tables[name].columns
        result = []
        for row in rows:
            row = dict(row)
            for column in columns:
                value = row.get(column.name)
                targets = [key.column.table.name for key in column.foreign_keys]
                if column.name == "id":
                    row["id"] = ranks[name][value]
                elif targets and value is not None:
                    row[column.name] = emails[value] if targets[0] == "users" else ranks[targets[0]][value]
            if name == "documents":
                for entry in row["signatories"]["signatories"]:
                    entry["signature_id"] = ranks["signatures"][entry["signature_id"]]
                    entry["signatory_id"] = ranks["signatories"][entry["signatory_id"]]
            result.append(row)
        out[name] = sorted(result, key=lambda r: json.dumps(r, sort_keys=True))
    return out, files, manifest


def all_text(app):
    """Every value in every table of the app's database, as one string."""
    with app.app_context():
        parts = []
        for table in _db.metadata.sorted_tables:
            parts.extend(repr(tuple(row)) for row in _db.session.execute(sa.select(table)))
        _db.session.remove()
        return "\n".join(parts)


def test_exported_campaign_imports_into_an_empty_instance_and_exports_the_same(
    app, client, runner, second, stores, tmp_path
):
    slug, letter_id, document_token = whole_campaign.build(client)
    first = tmp_path / "first.zip"
    result = runner.invoke(args=["campaigns", "export", slug, "--out", str(first)])
    assert result.exit_code == 0, result.output
    assert f"Exported {slug}" in result.output

    imported = invoke(second, "campaigns", "import", str(first))
    assert imported.exit_code == 0, imported.output
    assert f"Imported {slug}" in imported.output
    again = tmp_path / "again.zip"
    with second.app_context():
        from app.campaigns.transfer.export import export_campaign

        export_campaign(slug, again)
        _db.session.remove()

    rows_first, files_first, manifest = normalized(first)
    rows_again, files_again, _ = normalized(again)
    assert manifest["format"] == "undersigned-campaign" and manifest["version"] == 1
    for table in rows_first:
        assert rows_again[table] == rows_first[table], table
    assert rows_again == rows_first
    assert files_again == files_first
    kinds = {name.split("/")[1] for name in files_first}
    assert kinds == {"logos", "proofs", "responses", "documents"}
    for table in ("deliveries", "delivery_events", "delivery_proofs", "responses", "response_attachments"):
        assert rows_first[table], table
    assert rows_first["inbound_messages"] and rows_first["status_events"]

    # The new instance serves the campaign: the initials choice holds, the PDF is the same file.
    with second.app_context():
        page = second.test_client().get(f"/c/{slug}").get_data(as_text=True)
        pdf = second.test_client().get(f"/documents/{document_token}.pdf")
        _db.session.remove()
    assert "Transitional Justice Working Group" in page and "Kim Jeong-sam" in page
    assert whole_campaign.INITIALS_SIGNER not in page
    displays = {row["display"] for row in rows_again["signatories"]}
    assert {"full", "initials"} <= displays
    assert pdf.status_code == 200
    assert f"files/documents/{document_token}" in files_first
    assert hashlib.sha256(pdf.data).hexdigest() == files_first[f"files/documents/{document_token}"]


def test_the_erased_signer_is_in_neither_the_archive_nor_the_new_database(
    app, client, second, stores, tmp_path
):
    slug, _letter_id, _token = whole_campaign.build(client)
    archive = tmp_path / "campaign.zip"
    with app.app_context():
        from app.campaigns.transfer.export import export_campaign

        export_campaign(slug, archive)
    with zipfile.ZipFile(archive) as opened:
        text = "\n".join(opened.read(name).decode("utf-8", "replace") for name in opened.namelist())
        pdfs = [opened.read(name) for name in opened.namelist() if name.startswith("files/documents/")]
    assert pdfs
    text += "\n".join(pdf_text(data) for data in pdfs)
    assert "Transitional Justice Working Group" in pdf_text(pdfs[0])
    assert "Transitional Justice Working Group" in text
    for needle in ERASED:
        assert needle.lower() not in text.lower()
    assert invoke(second, "campaigns", "import", str(archive)).exit_code == 0
    stored = all_text(second)
    assert "Transitional Justice Working Group" in stored
    for needle in ERASED:
        assert needle.lower() not in stored.lower()


def test_import_where_the_slug_exists_is_refused_and_changes_nothing(app, client, second, stores, tmp_path):
    slug, _letter_id, _token = whole_campaign.build(client)
    archive = tmp_path / "campaign.zip"
    assert (
        app.test_cli_runner().invoke(args=["campaigns", "export", slug, "--out", str(archive)]).exit_code == 0
    )
    assert invoke(second, "campaigns", "import", str(archive)).exit_code == 0
    before = all_text(second)
    result = invoke(second, "campaigns", "import", str(archive))
    assert result.exit_code == 1
    assert f"A campaign with the slug '{slug}' exists already here; nothing was imported." in result.output
    assert all_text(second) == before


def test_a_damaged_archive_leaves_no_rows_and_no_files(app, client, second, stores, tmp_path):
    slug, _letter_id, _token = whole_campaign.build(client)
    archive, damaged = tmp_path / "campaign.zip", tmp_path / "damaged.zip"
    assert (
        app.test_cli_runner().invoke(args=["campaigns", "export", slug, "--out", str(archive)]).exit_code == 0
    )
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "manifest.json":
                manifest = json.loads(data)
                manifest["files"][-1]["sha256"] = "0" * 64  # the last file fails its check
                data = json.dumps(manifest).encode()
            target.writestr(name, data)
    result = invoke(second, "campaigns", "import", str(damaged))
    assert result.exit_code == 1
    assert "is damaged (its SHA-256 differs)" in result.output
    with second.app_context():
        assert _db.session.scalar(sa.text("select count(*) from campaigns")) == 0
        assert _db.session.scalar(sa.text("select count(*) from signatures")) == 0
        _db.session.remove()
    instance = tmp_path / "second"
    assert [p for p in instance.rglob("*") if p.is_file() and p.suffix in (".pdf", ".png")] == []


def test_an_unknown_slug_and_a_file_that_is_not_an_archive_are_refused(runner, second, tmp_path):
    result = runner.invoke(args=["campaigns", "export", "no-such-campaign", "--out", str(tmp_path / "x.zip")])
    assert result.exit_code == 1 and "No campaign has the slug 'no-such-campaign'." in result.output
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = invoke(second, "campaigns", "import", str(junk))
    assert result.exit_code == 1 and "This is not a campaign archive" in result.output
    shutil.rmtree(tmp_path / "second", ignore_errors=True)


def test_a_recipient_of_the_same_name_here_is_the_one_the_imported_letter_goes_to(
    app, client, second, stores, tmp_path
):
    from app.models import Delivery, Letter, Recipient
    from app.recipients.services import create_recipient

    slug, letter_id, _token = whole_campaign.build(client)
    name_en = _db.session.get(Letter, letter_id).recipient_links[0].recipient.name_en
    archive = tmp_path / "campaign.zip"
    assert invoke(app, "campaigns", "export", slug, "--out", str(archive)).exit_code == 0
    with second.app_context():
        here = create_recipient({"name_en": name_en, "kind": "ministry", "country": "UA"}, actor=None)
        _db.session.commit()
        here_id = here.id
        _db.session.remove()
    assert invoke(second, "campaigns", "import", str(archive)).exit_code == 0
    with second.app_context():
        same_name = _db.session.scalars(sa.select(Recipient).where(Recipient.name_en == name_en)).all()
        letter = _db.session.scalar(sa.select(Letter).where(Letter.slug == "joint-letter-2025-03-11"))
        assert [r.id for r in same_name] == [here_id]
        assert letter.recipient_links[0].recipient_id == here_id
        deliveries = _db.session.scalars(sa.select(Delivery).where(Delivery.letter_id == letter.id)).all()
        assert {d.recipient_id for d in deliveries} == {here_id}
        _db.session.remove()


def test_every_table_is_either_part_of_a_campaign_archive_or_left_out_on_purpose():
    from app.campaigns.transfer.tables import NOT_EXPORTED, SELECTION

    exported = {"campaigns", *(name for name, _links in SELECTION)}
    assert not exported & NOT_EXPORTED
    assert set(_db.metadata.tables) == exported | NOT_EXPORTED
