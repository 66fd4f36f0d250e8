"""Downloads of a letter's PDF: rendered once, then served from storage; a new list, a new PDF."""

import io
import shutil

import pytest
from PIL import Image
from pypdf import PdfReader

from app.documents import keys
from app.documents.keys import content_key
from app.documents.models import DocumentStatus
from app.documents.services import current_document
from app.documents.snapshot import listed_rows, listing_digest, signatory_snapshot
from app.letters.models import LetterStatus
from app.models import Display, SignatoryKind, SignatureStatus
from app.rendering.environment import TEMPLATES_ROOT
from app.signatures.public import public_list
from tests.documents.conftest import documents, pdf_text, sign
from tests.factories import LetterFactory


def test_first_download_renders_and_the_second_is_served_from_storage_byte_for_byte(client, db, letter):
    first = client.get(f"/letters/{letter.id}/en.pdf")
    assert first.status_code == 200
    assert first.mimetype == "application/pdf"
    text = pdf_text(first.data)
    assert "Do not send them back" in text and "Transitional Justice Working Group" in text
    second = client.get(f"/letters/{letter.id}/en.pdf")
    assert second.status_code == 200
    assert second.data == first.data
    [document] = documents(db)
    assert (document.status, document.attempts, document.sha256) == (DocumentStatus.READY, 1, document.sha256)
    assert document.page_count == 1 and document.size == len(first.data)


def test_new_signature_makes_a_new_document_and_the_old_link_keeps_the_old_bytes(client, db, letter):
    before = client.get(f"/letters/{letter.id}/en.pdf").data
    [old] = documents(db)
    sign(letter, name_en="Kim Jeong-sam", line_en="elder brother of a detained missionary")
    after = client.get(f"/letters/{letter.id}/en.pdf").data
    assert after != before
    assert "Kim Jeong-sam" in pdf_text(after) and "Kim Jeong-sam" not in pdf_text(before)
    assert [d.signatory_count for d in documents(db)] == [1, 2]
    again = client.get(f"/documents/{old.token}.pdf")
    assert again.status_code == 200 and again.data == before
    assert "immutable" in again.headers["Cache-Control"]


def test_withdrawal_makes_a_new_document_without_the_withdrawn_name(client, db, letter):
    signature = sign(letter, name_en="Lee Withdrawn")
    assert "Lee Withdrawn" in pdf_text(client.get(f"/letters/{letter.id}/en.pdf").data)
    signature.status = SignatureStatus.WITHDRAWN
    db.session.commit()
    after = client.get(f"/letters/{letter.id}/en.pdf").data
    assert "Lee Withdrawn" not in pdf_text(after)
    assert len(documents(db)) == 2


def test_bilingual_document_has_the_english_then_the_korean_text(client, letter):
    response = client.get(f"/letters/{letter.id}/both.pdf")
    text = pdf_text(response.data)
    assert text.index("Do not send them back") < text.index("송환하지")
    assert "전환기정의워킹그룹" in text


def test_a_queued_document_is_shown_with_its_state_and_not_rendered_by_the_request(client, db, letter):
    document, _created = current_document(letter, "ko")
    db.session.commit()
    response = client.get(f"/letters/{letter.id}/ko.pdf")
    assert response.status_code == 202
    assert "queued to be rendered" in response.get_data(as_text=True)
    assert response.headers["Refresh"].endswith(f"/documents/{document.token}")
    db.session.expire_all()
    assert [d.status for d in documents(db)] == [DocumentStatus.QUEUED]
    assert client.get(f"/documents/{document.token}.pdf").status_code == 302


def test_a_draft_letter_cannot_be_downloaded_by_the_public(client, db):
    draft = LetterFactory(status=LetterStatus.DRAFT)
    assert client.get(f"/letters/{draft.id}/en.pdf").status_code == 404


def test_unknown_language_and_unknown_document_are_refused(client, letter):
    assert client.get(f"/letters/{letter.id}/fr.pdf").status_code == 422
    assert client.get("/documents/abcdefghijklmnopqrstuvwxyz012345.pdf").status_code == 404
    assert client.get("/documents/..%2F..%2Fsecret-key.pdf").status_code == 404


def test_snapshot_lists_what_the_public_list_shows_with_ids_and_order(db, letter):
    sign(letter, name_en="Park Ji-hoon", display=Display.INITIALS)
    sign(letter, name_en="Hidden Person", display=Display.COUNTED)
    sign(letter, name_en="Not Yet", status=SignatureStatus.PENDING, kind=SignatoryKind.INDIVIDUAL)
    snapshot = signatory_snapshot(letter)
    listed = public_list(letter, "en")
    assert snapshot["count"] == listed["count"] == 3
    assert [(r["name"]["en"], r["line"]["en"]) for r in snapshot["signatories"]] == [
        (r["name"], r["line"]) for r in listed["signatories"]
    ]
    assert [r["position"] for r in snapshot["signatories"]] == [1, 2]
    assert all(r["signature_id"] and r["signatory_id"] for r in snapshot["signatories"])


@pytest.fixture
def template_copy(tmp_path, monkeypatch):
    """letter_templates/ copied, so that a test may change a design's files."""
    root = tmp_path / "letter_templates"
    shutil.copytree(TEMPLATES_ROOT, root)
    monkeypatch.setattr(keys, "TEMPLATES_ROOT", root)
    return root


def test_a_template_change_makes_a_new_key(db, letter, template_copy):
    version, listing = letter.current_version, listing_digest(listed_rows(letter))
    before = content_key(letter, version, listing, "en", None, "standard")
    assert content_key(letter, version, listing, "en", None, "standard") == before
    with open(template_copy / letter.template / "style.css", "a") as css:
        css.write("\nh1 { letter-spacing: 0.1em; }\n")
    assert content_key(letter, version, listing, "en", None, "standard") != before
    assert content_key(letter, version, listing, "ko", None, "standard") != before
    assert content_key(letter, version, listing, "en", None, "pdfa") != before


def test_while_a_render_is_pending_new_signatures_do_not_queue_another(db, letter):
    queued, created = current_document(letter, "en")
    assert created and queued.status == DocumentStatus.QUEUED
    sign(letter, name_en="Park Spike")
    same, created = current_document(letter, "en")
    assert (same.id, created) == (queued.id, False)
    other_language, created = current_document(letter, "ko")
    assert created and other_language.id != queued.id

    queued.finish("0" * 64, 1, 1)
    db.session.flush()
    newer, created = current_document(letter, "en")
    assert created and newer.id != queued.id
    assert newer.signatory_count == 2 and queued.signatory_count == 1


def logo_png(color):
    image = Image.new("RGB", (60, 30), color)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def images_in(pdf):
    """How many distinct images the PDF holds (its pages share one resource dictionary)."""
    return len({image.name for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images})


def test_the_petition_design_prints_organization_logos_and_the_formal_one_does_not(
    client, app, db, letter, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    (tmp_path / "uploads" / "logos").mkdir(parents=True)
    (tmp_path / "uploads" / "logos" / "nkhr.png").write_bytes(logo_png("navy"))
    (tmp_path / "uploads" / "logos" / "hidden.png").write_bytes(logo_png("red"))
    sign(letter, kind=SignatoryKind.ORGANIZATION, name_en="Citizens' Alliance", logo_path="nkhr.png")
    sign(
        letter,
        kind=SignatoryKind.ORGANIZATION,
        name_en="Quiet Group",
        logo_path="hidden.png",
        display=Display.INITIALS,
    )
    formal = client.get(f"/letters/{letter.id}/en.pdf").data
    assert images_in(formal) == 0

    letter.current_version.template = "petition"  # the design is frozen with the version
    db.session.commit()
    petition = client.get(f"/letters/{letter.id}/en.pdf").data
    assert "Citizens' Alliance" in pdf_text(petition) or "Citizens’ Alliance" in pdf_text(petition)
    assert images_in(petition) == 1  # the initials-only organization's logo is not printed
