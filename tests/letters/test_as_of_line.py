"""The "as of" above a signatory list is the list's date: today on the page, the snapshot's in a PDF."""

import io
import re
from datetime import UTC, datetime

import pytest
from babel.dates import format_date
from pypdf import PdfReader

from app.core.timeutil import utcnow
from app.demo.loader import SLUG, load_demo
from app.documents.services import current_document, render_document
from tests.helpers import page_text


@pytest.fixture
def demo(db):
    campaign, _created = load_demo()
    db.session.commit()
    return campaign.letters[0]


@pytest.fixture(autouse=True)
def document_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(tmp_path / "documents"))


def pdf_text(data):
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(
    "lang, heading, as_of",
    [
        ("en", "Signature organizations and individuals", "11 signatories · as of {date}"),
        ("ko", "서명 단체 및 개인", "서명 11건 · {date} 현재"),
    ],
)
def test_public_page_dates_the_list_today_and_the_demo_intro_carries_no_date(
    client, demo, lang, heading, as_of
):
    text = page_text(client.get(f"/c/{SLUG}", headers={"Accept-Language": lang}))

    today = format_date(utcnow().date(), "long", locale=lang)
    assert f"{heading} {as_of.format(date=today)}" in text
    assert "as of March 11, 2025" not in text and "2025년 3월 11일 현재" not in text


def test_pdf_prints_the_date_of_its_snapshot_not_of_the_letter_or_of_the_render(client, db, demo):
    document, _created = current_document(demo, "en")
    document.as_of = datetime(2025, 12, 24, 23, 59, tzinfo=UTC)  # queued before midnight, rendered after
    render_document(document)
    db.session.commit()

    text = pdf_text(client.get(f"/documents/{document.token}.pdf").data)

    assert "Signature organizations and individuals (as of December 24, 2025)" in text
    assert "as of March 11, 2025" not in text
    today = format_date(utcnow().date(), "long", locale="en")
    # Only the foot of each page says when the PDF was made; the list keeps its snapshot's date.
    assert f"Made {today}" in text
    assert today not in text.split("Signature organizations")[1].replace(f"Made {today}", "")


def test_korean_pdf_prints_its_snapshots_date_after_the_intro(client, db, demo):
    document, _created = current_document(demo, "ko")
    document.as_of = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    render_document(document)
    db.session.commit()

    text = pdf_text(client.get(f"/documents/{document.token}.pdf").data)

    assert "서명 단체 및 개인 (2026년 2월 1일 현재)" in text
    assert "2025년 3월 11일 현재" not in text
