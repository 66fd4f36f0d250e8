"""Fixtures for the campaign tests that move data between instances."""

import pytest


@pytest.fixture
def stores(app, tmp_path, monkeypatch):
    """This test's file store: uploads and PDFs in folders of its own."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(tmp_path / "documents"))
    return tmp_path / "uploads", tmp_path / "documents"
