"""Every PDF carries the coalition's PAdES signature; pyHanko (library and command line) finds it intact."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from app.documents import signing
from app.documents.services import current_document, document_contexts
from app.rendering.pdf import render_pdf

PYHANKO = str(Path(sys.executable).parent / "pyhanko")


@pytest.fixture
def downloaded(client, letter, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(client.get(f"/letters/{letter.id}/ko.pdf").data)
    return path


def test_pyhanko_command_line_reports_the_signature_intact(client, downloaded, tmp_path):
    untrusted = subprocess.run([PYHANKO, "sign", "validate", str(downloaded)], capture_output=True, text=True)
    assert ":INTACT:UNTRUSTED" in untrusted.stdout, untrusted.stdout + untrusted.stderr
    certificate = tmp_path / "coalition.pem"
    certificate.write_bytes(client.get("/verify/certificate.pem").data)
    command = [PYHANKO, "sign", "validate", "--trust", str(certificate), "--trust-replace", str(downloaded)]
    trusted = subprocess.run(command, capture_output=True, text=True)
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert ":INTACT:TRUSTED,UNTOUCHED" in trusted.stdout


def test_pyhanko_validation_finds_the_signature_intact_valid_and_covering_the_file(app, downloaded):
    [embedded] = PdfFileReader(io.BytesIO(downloaded.read_bytes())).embedded_signatures
    certificate = signing.coalition_certificate()
    context = ValidationContext(trust_roots=[certificate], allow_fetching=False)
    status = validate_pdf_signature(embedded, signer_validation_context=context)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.human_friendly == f"Common Name: {app.config['SIGNING_NAME']}"
    assert embedded.field_name == signing.FIELD_NAME


def test_pdfa_is_signed_as_an_incremental_update_that_keeps_the_pdfa_file_whole(db, letter):
    document, _ = current_document(letter, "en", variant="pdfa")
    unsigned = render_pdf(document_contexts(document), pdfa=True)
    signed = signing.sign_pdf(unsigned)
    assert signed.startswith(unsigned) and len(signed) > len(unsigned)


def test_self_signed_key_is_made_once_kept_and_private(app):
    first = signing.coalition_certificate()
    path = Path(app.instance_path) / "signing" / "coalition.p12"
    assert path.stat().st_mode & 0o077 == 0
    signing.ensure_embedded_key(path, "Someone else")  # a second start keeps the first key
    assert signing.coalition_certificate().sha256 == first.sha256


def test_a_configured_pkcs12_file_signs_with_its_passphrase(app, monkeypatch, tmp_path):
    bundle = pkcs12.load_key_and_certificates(signing._self_signed_pkcs12("Coalition Test Key"), None)
    encrypted = pkcs12.serialize_key_and_certificates(
        b"key", bundle[0], bundle[1], None, serialization.BestAvailableEncryption(b"s3cret")
    )
    path = tmp_path / "coalition.p12"
    path.write_bytes(encrypted)
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PATH", str(path))
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PASSWORD", "s3cret")
    assert signing.coalition_certificate().subject.human_friendly == "Common Name: Coalition Test Key"
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PASSWORD", "wrong")
    with pytest.raises(signing.SigningError):
        signing.coalition_signer()
