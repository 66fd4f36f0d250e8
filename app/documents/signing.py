"""The coalition's PAdES signature on every PDF: a PKCS#12 key in production, self-signed by default."""

import functools
import logging
import os
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from flask import current_app
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import SimpleSigner

from app.core.timeutil import utcnow

log = logging.getLogger(__name__)

#: The name of the signature field in every PDF we issue.
FIELD_NAME = "UndersignedSignature"


class SigningError(Exception):
    """The signing key cannot be loaded or used."""


def _embedded_path():
    return Path(current_app.instance_path) / "signing" / "coalition.p12"


def _self_signed_pkcs12(name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name[:64])])
    now = utcnow()
    usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(b"coalition", key, certificate, None, encryption)


def ensure_embedded_key(path, name):
    """Make the self-signed key on first run and keep it; a second process racing us keeps ours."""
    if path.is_file():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(_self_signed_pkcs12(name))
    temporary.chmod(0o600)
    try:
        os.link(temporary, path)  # fails if another process made it first: theirs wins
        log.info("made a self-signed signing certificate for %r in %s", name, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


def _signing_source():
    configured = current_app.config.get("SIGNING_PKCS12_PATH")
    if configured:
        password = current_app.config.get("SIGNING_PKCS12_PASSWORD")
        return Path(configured), password.encode() if password else None
    path = _embedded_path()
    ensure_embedded_key(path, current_app.config["SIGNING_NAME"])
    return path, None


@functools.lru_cache(maxsize=4)
def _load_signer(path, mtime_ns, password):
    try:
        return SimpleSigner.load_pkcs12_data(Path(path).read_bytes(), other_certs=(), passphrase=password)
    except (OSError, ValueError) as error:
        raise SigningError(f"cannot load the signing key from {path}: {error}") from error


def coalition_signer():
    path, password = _signing_source()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as error:
        raise SigningError(f"cannot read the signing key {path}: {error}") from error
    return _load_signer(str(path), mtime, password)


def coalition_certificate():
    """The certificate (asn1crypto) that signs our PDFs: verification trusts it and nothing else."""
    return coalition_signer().signing_cert


def sign_pdf(pdf, reason="Issued by Undersigned"):
    """The PDF with the coalition's PAdES signature, added as an incremental update.

    An incremental update leaves the original bytes untouched, so a PDF/A file stays PDF/A.
    """
    signer = coalition_signer()
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        name=current_app.config["SIGNING_NAME"],
    )
    output = signers.sign_pdf(writer, metadata, signer=signer)
    return output.getvalue()
