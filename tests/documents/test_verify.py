"""Verify a PDF: authentic only if we issued these very bytes and our signature on them holds."""

import io
import time

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_cms import SimpleSigner
from pypdf import PdfWriter

from app.documents.signing import _self_signed_pkcs12
from tests.documents.conftest import documents, text_of
from tests.helpers import csrf_token


@pytest.fixture
def issued(client, letter):
    """A signed PDF as the public downloads it."""
    response = client.get(f"/letters/{letter.id}/en.pdf")
    assert response.status_code == 200
    return response.data


def tampered(data):
    """The PDF with one byte in the middle changed."""
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    return bytes(changed)


def unsigned_pdf():
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


def signed_by_someone_else(data):
    """The same document signed again by another key that calls itself by our name."""
    signer = SimpleSigner.load_pkcs12_data(_self_signed_pkcs12("Undersigned coalition"), other_certs=())
    writer = IncrementalPdfFileWriter(io.BytesIO(unsigned_pdf()))
    return signers.sign_pdf(
        writer, signers.PdfSignatureMetadata(field_name="Other"), signer=signer
    ).getvalue()


def with_an_appended_revision(data):
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("fr")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def verify_api(api, data, **kwargs):
    return api.post("/documents/verify", token=None, data=data, content_type="application/pdf", **kwargs)


def test_api_says_an_issued_pdf_is_authentic_and_what_it_contains(api, db, letter, issued):
    result = verify_api(api, issued).get_json()
    [document] = documents(db)
    assert result["status"] == "authentic" and result["authentic"] is True
    assert result["signature"] == {
        **result["signature"],
        **dict(present=True, intact=True, valid=True, ours=True, trusted=True, covers_whole_file=True),
    }
    found = result["document"]
    assert found["id"] == document.token and found["language"] == "en"
    assert found["letter"]["title"]["en"] == "Do not send them back"
    assert found["version"] == {"number": 1, "content_hash": letter.current_version.content_hash}
    assert found["template"]["name"] == "formal" and found["signatory_count"] == 1
    assert found["signatories"][0]["name"]["en"] == "Transitional Justice Working Group"
    assert result["sha256"] == document.sha256


def test_api_takes_the_pdf_as_multipart_too(api, issued):
    response = api.post("/documents/verify", token=None, data={"file": (io.BytesIO(issued), "letter.pdf")})
    assert response.get_json()["status"] == "authentic"


def test_api_says_a_pdf_with_one_byte_changed_is_not_one_we_issued(api, issued):
    result = verify_api(api, tampered(issued)).get_json()
    assert (result["status"], result["authentic"], result["document"]) == ("unknown", False, None)
    assert result["message"] == "Not authentic: this is not a document we issued."


def test_our_signed_pdf_with_a_later_revision_is_not_issued_here_and_its_signature_is_never_read(api, issued):
    # pyHanko would find our own signature intact on these bytes; the answer mentions none,
    # because bytes we did not issue never reach the parser.
    result = verify_api(api, with_an_appended_revision(issued)).get_json()
    assert (result["status"], result["authentic"]) == ("unknown", False)
    assert result["signature"]["present"] is False and result["signature"]["signer"] is None


@pytest.mark.parametrize(
    "make",
    [
        signed_by_someone_else,
        lambda data: unsigned_pdf(),
        lambda data: b"%PDF-1.7\n garbage " * 50,
        lambda data: b"%PDF-1.7\ntrailer<</Root 1 0 R/Size 99999999999>>\nstartxref\n-5\n%%EOF",
        lambda data: b"GIF89a not a pdf at all",
    ],
    ids=["other-signer", "unsigned-pdf", "broken-pdf", "malformed-trailer", "not-a-pdf"],
)
def test_api_says_files_we_did_not_issue_are_not_issued_here(api, issued, make):
    result = verify_api(api, make(issued)).get_json()
    assert (result["status"], result["authentic"], result["document"]) == ("unknown", False, None)
    assert result["message"] == "Not authentic: this is not a document we issued."
    assert result["signature"]["present"] is False and result["signature"]["ours"] is False


def test_a_file_we_did_not_issue_is_answered_without_waiting_for_the_parser(api):
    junk = b"%PDF-1.7\n" + b"1 0 obj<</Type/Page/Contents[" + b"2 0 R " * 1_600_000 + b"]>>endobj\n"
    started = time.monotonic()
    result = verify_api(api, junk).get_json()
    assert result["status"] == "unknown"
    assert time.monotonic() - started < 1  # pyHanko takes over two seconds on it


def test_api_refuses_an_empty_body_and_a_file_over_the_limit(api, app, monkeypatch, issued):
    assert verify_api(api, b"").status_code == 422
    monkeypatch.setitem(app.config, "VERIFY_MAX_BYTES", 1024)
    response = verify_api(api, issued)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def _upload(client, data, lang="en"):
    token = csrf_token(client, f"/verify?lang={lang}")
    form = {"csrf_token": token, "file": (io.BytesIO(data), "letter.pdf")}
    return client.post("/verify", data=form, content_type="multipart/form-data")


def test_verify_page_says_authentic_and_lists_the_letter_version_and_signatories(client, letter, issued):
    response = _upload(client, issued)
    text = text_of(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Authentic: we issued this document and it has not been changed." in text
    assert "Do not send them back" in text and "Transitional Justice Working Group" in text
    assert "1 signatory as of" in text
    assert "/documents/" not in text and "instance" not in response.get_data(as_text=True)


def test_verify_page_says_a_changed_pdf_is_not_authentic(client, issued):
    text = text_of(_upload(client, tampered(issued)).get_data(as_text=True))
    assert "Not authentic" in text and "Do not send them back" not in text


def test_verify_page_rejects_a_missing_file_and_a_missing_csrf_token(client):
    html = _upload(client, b"hello", "ko").get_data(as_text=True)
    assert '<html lang="ko">' in html and 'class="verdict unknown"' in html
    token = csrf_token(client, "/verify")
    assert client.post("/verify", data={"csrf_token": token}).status_code == 422
    assert client.post("/verify", data={"file": (io.BytesIO(b"x"), "a.pdf")}).status_code == 400


def test_certificate_is_published_for_outside_validation(client):
    response = client.get("/verify/certificate.pem")
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("-----BEGIN CERTIFICATE-----")
