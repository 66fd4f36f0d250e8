"""Proof files: PDF, JPEG and PNG only, by content; images re-encoded; hashed, listed, for staff only."""

import hashlib
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from app.deliveries.models import Channel, DeliveryEvent, DeliveryProof, ProofKind
from tests.deliveries.records_support import image_bytes, make_delivery, pdf_bytes, records_url, send
from tests.helpers import page_text


def proofs_folder(app):
    return Path(app.config["UPLOAD_FOLDER"]) / "proofs"


def stored_files(app):
    folder = proofs_folder(app)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def proof_rows(db):
    return db.session.scalars(sa.select(DeliveryProof)).all()


def upload(client, delivery, content, filename, kind="receipt", note=""):
    return send(client, delivery, "proofs", {"kind": kind, "note": note}, {"file": (content, filename)})


def test_a_pdf_proof_is_stored_under_a_random_name_listed_with_its_hash_and_in_the_history(
    app, client, auth, db
):
    editor = auth.login("editor")
    delivery = make_delivery(Channel.POST)
    content = pdf_bytes()
    answer = upload(client, delivery, content, "../../etc/receipt scan.pdf", note="Stamped at the front desk")
    assert answer.status_code == 302
    [proof] = proof_rows(db)
    digest = hashlib.sha256(content).hexdigest()
    assert proof.sha256 == digest and proof.size == len(content) and proof.content_type == "application/pdf"
    assert proof.filename == "receipt scan.pdf" and proof.uploaded_by_id == editor.id
    assert "receipt" not in proof.path and "/" not in proof.path
    assert (proofs_folder(app) / proof.path).read_bytes() == content
    page = page_text(client.get(records_url(delivery)))
    assert digest in page and "receipt scan.pdf" in page and "Stamped at the front desk" in page
    event = db.session.scalar(sa.select(DeliveryEvent).where(DeliveryEvent.delivery_id == delivery.id))
    assert event.actor_id == editor.id and digest in event.detail


def test_staff_download_a_proof_that_no_cache_keeps_and_strangers_do_not(app, client, auth, db):
    auth.login("viewer")
    delivery = make_delivery(Channel.HAND)
    content = pdf_bytes()
    from app.deliveries.proofs import check_proof, store_proof

    store_proof(delivery, check_proof(content, "receipt.pdf"), ProofKind.RECEIPT, None)
    db.session.commit()
    [proof] = proof_rows(db)
    url = f"/staff/deliveries/{delivery.id}/proofs/{proof.id}"
    answer = client.get(url)
    assert answer.status_code == 200 and answer.data == content
    assert answer.headers["Cache-Control"] == "no-store"
    assert "attachment" in answer.headers["Content-Disposition"]
    assert client.get(f"/staff/deliveries/{delivery.id + 1}/proofs/{proof.id}").status_code == 404
    stranger = app.test_client()
    refused = stranger.get(url)
    assert refused.status_code == 302 and refused.data != content


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"<html><script>alert(1)</script></html>", "receipt.pdf"),
        (b"MZ\x90\x00" + b"\x00" * 100, "photo.jpg"),
        (b"GIF89a" + b"\x00" * 100, "scan.png"),
    ],
)
def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_whatever_its_name(
    app, client, auth, db, content, filename
):
    auth.login("editor")
    delivery = make_delivery(Channel.POST)
    before = stored_files(app)
    answer = upload(client, delivery, content, filename)
    assert answer.status_code == 422
    assert "Only PDF, JPEG and PNG files are accepted." in page_text(answer)
    assert proof_rows(db) == [] and stored_files(app) == before
    db.session.refresh(delivery)
    assert delivery.events == []


def test_a_png_named_pdf_is_kept_as_the_png_it_is(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.HAND)
    assert upload(client, delivery, image_bytes("PNG"), "scan.pdf", kind="photo").status_code == 302
    [proof] = proof_rows(db)
    assert (
        proof.content_type == "image/png" and proof.filename == "scan.png" and proof.kind == ProofKind.PHOTO
    )


def test_a_photo_is_re_encoded_without_its_metadata(app, client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.HAND)
    exif = Image.Exif()
    exif[0x010E] = "Handed over at the embassy, 37.56 N 126.97 E"  # ImageDescription
    original = image_bytes("JPEG", exif=exif.tobytes())
    assert upload(client, delivery, original, "photo.jpeg", kind="photo").status_code == 302
    [proof] = proof_rows(db)
    stored = (proofs_folder(app) / proof.path).read_bytes()
    assert b"embassy" in original and b"embassy" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (40, 30) and not image.getexif()
    assert proof.sha256 == hashlib.sha256(stored).hexdigest() and proof.filename == "photo.jpg"


def test_a_proof_larger_than_the_limit_is_refused(app, client, auth, db, monkeypatch):
    monkeypatch.setitem(app.config, "PROOF_MAX_BYTES", 1024)
    auth.login("editor")
    delivery = make_delivery(Channel.POST)
    answer = upload(client, delivery, pdf_bytes() + b"%" + b"x" * 2048, "big.pdf")
    assert answer.status_code == 422
    assert "The file is too large" in page_text(answer)
    assert proof_rows(db) == []


@pytest.mark.parametrize(
    "content",
    [
        pdf_bytes(javascript="app.alert('hello');"),
        # The same with its names spelled in #xx escapes, as a raw byte search would miss them.
        pdf_bytes(javascript="app.alert('hello');").replace(b"/JavaScript", b"/J#61vaScript"),
        pdf_bytes(attachment=b"hidden payload"),
    ],
    ids=["javascript", "escaped-javascript", "embedded-file"],
)
def test_a_pdf_with_scripts_or_embedded_files_is_refused(app, client, auth, db, content):
    auth.login("editor")
    delivery = make_delivery(Channel.FAX)
    before = stored_files(app)
    answer = upload(client, delivery, content, "report.pdf", kind="transmission_report")
    assert answer.status_code == 422
    assert "holds scripts or attached files" in page_text(answer)
    assert proof_rows(db) == [] and stored_files(app) == before


def test_an_upload_without_a_file_says_so(client, auth, db):
    auth.login("editor")
    delivery = make_delivery(Channel.POST)
    answer = send(client, delivery, "proofs", {"kind": "receipt"})
    assert answer.status_code == 422 and "Choose a file to upload." in page_text(answer)


def test_a_viewer_cannot_upload_a_proof(client, auth, db):
    auth.login("viewer")
    delivery = make_delivery(Channel.POST)
    assert upload(client, delivery, pdf_bytes(), "r.pdf").status_code == 403
    assert proof_rows(db) == []


@pytest.mark.parametrize(
    "content",
    [pdf_bytes()[:60], b"%PDF-1.7\n" + b"\x00garbage" * 50, b"%PDF-1.4\n%%EOF\n"],
    ids=["truncated", "garbage", "no-pages"],
)
def test_a_broken_pdf_is_refused_as_unreadable(app, client, auth, db, content):
    auth.login("editor")
    delivery = make_delivery(Channel.POST)
    answer = upload(client, delivery, content, "scan.pdf")
    assert answer.status_code == 422
    assert "This PDF cannot be read." in page_text(answer)
    assert proof_rows(db) == []
