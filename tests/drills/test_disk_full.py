"""The disk where PDFs are stored fills up: the render fails with that reason, in words, leaving no
partial file; the other pages still work; once space is freed, rendering it again works."""

import errno
import subprocess
import tempfile
from pathlib import Path

import pytest

from app.documents.models import DocumentStatus, FailureReason
from tests.documents.conftest import documents, letter
from tests.helpers import csrf_token

__all__ = ["letter"]

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(app, monkeypatch):
    """A 1 MB tmpfs as DOCUMENT_FOLDER, unmounted afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="drill-disk-"))
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True
    )
    if mount.returncode != 0:
        folder.rmdir()
        pytest.skip(f"this machine refuses to mount a tmpfs: {mount.stderr.decode().strip()}")
    try:
        monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(folder))
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)
        folder.rmdir()


def fill(folder):
    """Write a file until the disk refuses more: ENOSPC, as on a full production disk."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as file:
        try:
            while True:
                file.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def files(folder):
    return sorted(path.name for path in folder.rglob("*") if path.is_file())


def test_a_full_disk_fails_the_render_clearly_and_a_retry_after_freeing_space_renders(
    client, auth, db, letter, small_disk
):
    filler = fill(small_disk)
    response = client.get(f"/letters/{letter.id}/en.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "This PDF could not be rendered" in page
    [document] = documents(db)
    assert (document.status, document.failure_reason) == (DocumentStatus.FAILED, FailureReason.DISK_FULL)
    assert files(small_disk) == ["filler"]  # no partial PDF, no temporary file
    public = client.get(f"/documents/{document.token}").get_data(as_text=True)
    assert "This PDF could not be rendered" in public and "disk" not in public

    for path in (f"/c/{letter.campaign.slug}", f"/letters/{letter.id}/sign", "/verify"):
        assert client.get(path).status_code == 200, path

    auth.login("editor")
    staff = f"/staff/letters/{letter.id}/documents"
    assert "the disk where PDFs are stored is full" in client.get(staff).get_data(as_text=True)

    filler.unlink()
    retried = client.post(
        f"/staff/documents/{document.id}/retry", data={"csrf_token": csrf_token(client, staff)}
    )
    assert retried.status_code == 302
    db.session.expire_all()
    [document] = documents(db)
    assert document.status == DocumentStatus.READY
    pdf = client.get(f"/documents/{document.token}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert files(small_disk) == [f"{document.token}.pdf"]
