"""Fixtures for the security tests: a loopback listener, and files stored in tmp."""

import pytest

from tests.security.hostile import Listener
from tests.signatures.conftest import sign_on_state  # noqa: F401 (fixture: no fill-time check)


@pytest.fixture
def listener():
    """A listener on 127.0.0.1 that records any connection (a renderer fetching a URL it was given)."""
    server = Listener()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def document_folder(app, tmp_path, monkeypatch):
    """Each test stores its PDFs and uploads in folders of its own."""
    monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(tmp_path / "documents"))
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "documents"
