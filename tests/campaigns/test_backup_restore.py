"""The README's backup: pg_dump -Fc, pg_restore into an empty database, the file store copied."""

import shutil
import subprocess

import pytest
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db as _db
from tests import conftest
from tests.campaigns import whole_campaign
from tests.documents.conftest import pdf_text
from tests.helpers import page_text


def libpq(url):
    """The URL as pg_dump and pg_restore take it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def restored_database():
    url = conftest.create_database("undersigned_restore")
    yield url
    conftest.drop_database(url)


@pytest.mark.committed
def test_a_restored_dump_and_copied_file_store_serve_the_whole_campaign(
    app, client, database_url, restored_database, stores, tmp_path
):
    slug, letter_id, token = whole_campaign.build(client)
    original_pdf = client.get(f"/documents/{token}.pdf").data
    dump = tmp_path / "undersigned.dump"
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-d", libpq(database_url), "-f", str(dump)], check=True)
    subprocess.run(["pg_restore", "--no-owner", "-d", libpq(restored_database), str(dump)], check=True)
    uploads, documents = stores
    instance = tmp_path / "restored"
    shutil.copytree(uploads, instance / "uploads")
    shutil.copytree(documents, instance / "documents")

    restored = create_app(conftest.test_settings(restored_database, INSTANCE_PATH=str(instance)))
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()
    try:
        with restored.app_context():
            web = restored.test_client()
            page = web.get(f"/c/{slug}")
            pdf = web.get(f"/documents/{token}.pdf")
            logo_names = sorted(p.name for p in (instance / "uploads" / "logos").iterdir())
            _db.session.remove()
            _db.engine.dispose()
    finally:
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()
    assert page.status_code == 200
    text = page_text(page)
    assert "Free will of North Korean POWs" in text
    assert "Transitional Justice Working Group (TJWG)" in text and "Kim Jeong-sam" in text
    assert "The ministry acknowledged the letter" in text
    assert whole_campaign.ERASED_NAME not in text
    assert whole_campaign.INITIALS_SIGNER not in text  # shown by initials, as they chose
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data == original_pdf
    assert "Transitional Justice Working Group" in pdf_text(pdf.data)
    assert logo_names
