"""Is an uploaded PDF one we issued, unchanged? Its SHA-256 in our records and our signature on it."""

import dataclasses
import hashlib
import logging
from io import BytesIO

import sqlalchemy as sa
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from app.documents.models import Document, DocumentStatus
from app.documents.signing import coalition_certificate
from app.extensions import db

log = logging.getLogger(__name__)

AUTHENTIC, MODIFIED, UNKNOWN = "authentic", "modified", "unknown"


@dataclasses.dataclass
class SignatureCheck:
    present: bool = False
    #: The signed bytes are the bytes the signature was made over.
    intact: bool = False
    #: The cryptography holds (intact, and the signature value checks with the certificate).
    valid: bool = False
    #: The signing certificate is our coalition's: the one this server signs with.
    ours: bool = False
    #: pyHanko validated that certificate with ours as the only trust root.
    trusted: bool = False
    #: Nothing was added after the signature.
    covers_whole_file: bool = False
    signer: str | None = None
    signed_at: str | None = None

    @property
    def holds(self):
        return self.intact and self.valid and self.trusted and self.covers_whole_file


@dataclasses.dataclass
class Verdict:
    status: str
    sha256: str
    signature: SignatureCheck
    document: Document | None = None

    @property
    def is_authentic(self):
        return self.status == AUTHENTIC


def _check_signature(embedded, certificate):
    context = ValidationContext(trust_roots=[certificate], allow_fetching=False)
    status = validate_pdf_signature(embedded, signer_validation_context=context, skip_diff=True)
    ours = status.signing_cert.sha256 == certificate.sha256
    return SignatureCheck(
        present=True,
        intact=status.intact,
        valid=status.valid,
        ours=ours,
        trusted=bool(status.trusted and ours),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.human_friendly,
        signed_at=status.signer_reported_dt.isoformat() if status.signer_reported_dt else None,
    )


def check_signature(data):
    """Our signature on the PDF, checked by pyHanko; None when pyHanko cannot read the file."""
    try:
        signatures = PdfFileReader(BytesIO(data), strict=False).embedded_signatures
        checks = [_check_signature(embedded, coalition_certificate()) for embedded in signatures]
    except Exception:  # hostile input: whatever the parser chokes on, the file is not readable
        log.info("an uploaded file could not be read as a signed PDF", exc_info=True)
        return None
    if not checks:
        return SignatureCheck()
    return max(checks, key=lambda check: (check.holds, check.ours, check.intact))


def issued_document(sha256):
    """The ready document with these very bytes, or None: one indexed lookup, no parsing."""
    return db.session.scalar(
        sa.select(Document).where(Document.sha256 == sha256, Document.status == DocumentStatus.READY)
    )


def verify_pdf(data):
    """The verdict on an uploaded file: authentic only if we issued these bytes and our signature holds.

    The cheap check comes first: bytes whose SHA-256 we never issued are not ours, whatever they
    contain, so only our own files are handed to pyHanko's parser.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    document = issued_document(sha256)
    if document is None:
        return Verdict(UNKNOWN, sha256, SignatureCheck(), None)
    signature = check_signature(data)
    if signature is not None and signature.holds:
        return Verdict(AUTHENTIC, sha256, signature, document)
    return Verdict(MODIFIED, sha256, signature or SignatureCheck(), None)
