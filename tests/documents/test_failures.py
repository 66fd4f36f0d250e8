"""A render that fails (template error, time limit, full disk) is marked failed with its reason;
staff render it again; the last ready PDF stays offered meanwhile."""

import errno
import json
import os
import shutil
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from app.core.timeutil import utcnow
from app.documents import keys, storage
from app.documents.models import DocumentStatus, FailureReason
from app.documents.services import current_document
from app.documents.tasks import sweep
from app.rendering import environment, html, pdf
from tests.documents.conftest import documents
from tests.helpers import csrf_token


@pytest.fixture
def broken_design(tmp_path, monkeypatch):
    """letter_templates/ copied, with a design "broken" whose template names a variable no context has."""
    root = tmp_path / "letter_templates"
    shutil.copytree(environment.TEMPLATES_ROOT, root)
    (root / "broken").mkdir()
    (root / "broken" / "template.html").write_text("<h1>{{ letter.title }}</h1>{{ no_such_variable }}")
    (root / "broken" / "meta.json").write_text(json.dumps({"name": {"en": "Broken", "ko": "Broken"}}))
    for module in (environment, html, keys):
        monkeypatch.setattr(module, "TEMPLATES_ROOT", root)
    environment.letter_environment.cache_clear()
    yield "broken"
    environment.letter_environment.cache_clear()


def test_template_error_fails_the_new_document_and_the_last_ready_pdf_stays_offered(
    client, db, letter, broken_design
):
    old_bytes = client.get(f"/letters/{letter.id}/en.pdf").data
    letter.current_version.template = broken_design  # the design is frozen with the version
    db.session.commit()
    response = client.get(f"/letters/{letter.id}/en.pdf")
    old, new = documents(db)
    assert (new.status, new.failure_reason) == (DocumentStatus.FAILED, FailureReason.TEMPLATE)
    assert "no_such_variable" in new.error
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "could not be rendered" in page
    assert f"/documents/{old.token}.pdf" in page and "no_such_variable" not in page
    assert client.get(f"/documents/{old.token}.pdf").data == old_bytes


def test_render_past_its_soft_time_limit_fails_and_an_editor_renders_it_again(
    api, client, auth, db, letter, monkeypatch
):
    def too_slow(*args, **kwargs):  # what Celery raises inside the task at PDF_SOFT_TIME_LIMIT
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(pdf, "render_pdf", too_slow)
    response = api.get(f"/letters/{letter.id}/pdf?lang=ko")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "render_failed"
    [document] = documents(db)
    assert (document.status, document.failure_reason) == (DocumentStatus.FAILED, FailureReason.TIME_LIMIT)
    monkeypatch.undo()

    auth.login("editor")
    staff_page = client.get(f"/staff/letters/{letter.id}/documents").get_data(as_text=True)
    assert "time_limit" in staff_page and "Render again" in staff_page
    token = csrf_token(client, f"/staff/letters/{letter.id}/documents")
    retried = client.post(f"/staff/documents/{document.id}/retry", data={"csrf_token": token})
    assert retried.status_code == 302
    db.session.expire_all()
    assert documents(db)[0].status == DocumentStatus.READY and documents(db)[0].attempts == 2
    assert api.get(f"/letters/{letter.id}/pdf?lang=ko").status_code == 200


def test_full_disk_fails_the_document_leaves_no_partial_file_and_the_cli_renders_it_again(
    client, db, runner, letter, monkeypatch, document_folder
):
    def disk_full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(storage.os, "fsync", disk_full)
    response = client.get(f"/letters/{letter.id}/en.pdf")
    assert response.status_code == 200 and "could not be rendered" in response.get_data(as_text=True)
    [document] = documents(db)
    assert (document.status, document.failure_reason) == (DocumentStatus.FAILED, FailureReason.DISK_FULL)
    assert [path for path in document_folder.rglob("*") if path.is_file()] == []
    monkeypatch.undo()

    result = runner.invoke(args=["documents", "retry", str(document.id), "--now"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert documents(db)[0].status == DocumentStatus.READY
    assert client.get(f"/letters/{letter.id}/en.pdf").mimetype == "application/pdf"


def test_only_a_failed_document_can_be_retried(runner, db, letter):
    document, _ = current_document(letter, "en")
    db.session.commit()
    result = runner.invoke(args=["documents", "retry", str(document.id)])
    assert result.exit_code != 0 and "Only a failed document" in result.output


def test_sweep_fails_renders_killed_at_the_hard_limit_and_sends_lost_documents_again(db, letter):
    killed, _ = current_document(letter, "en")
    killed.status, killed.started_at = DocumentStatus.RENDERING, utcnow() - timedelta(hours=1)
    lost, _ = current_document(letter, "ko")
    db.session.commit()
    lost.updated_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert sweep() == {"requeued": 1, "failed": 1}
    db.session.expire_all()
    killed, lost = documents(db)
    assert (killed.status, killed.failure_reason) == (DocumentStatus.FAILED, FailureReason.TIME_LIMIT)
    assert lost.status == DocumentStatus.READY
