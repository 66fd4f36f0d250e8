"""Fixtures for the documents tests: a public letter with signatories, and PDFs stored in tmp."""

import io
import re
from html import unescape

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.documents.models import Document
from app.letters.models import LetterStatus
from app.letters.services import freeze_version
from app.models import Display, SignatoryKind, SignatureStatus
from tests.factories import LetterFactory, SignatoryFactory, SignatureFactory


@pytest.fixture(autouse=True)
def document_folder(app, tmp_path, monkeypatch):
    """Each test stores its PDFs in a folder of its own."""
    folder = tmp_path / "documents"
    monkeypatch.setitem(app.config, "DOCUMENT_FOLDER", str(folder))
    return folder


@pytest.fixture
def letter(db):
    """An open letter of a public campaign with one frozen version, signed by an organization."""
    letter = LetterFactory(
        status=LetterStatus.OPEN,
        title_en="Do not send them back",
        title_ko="송환하지 마십시오",
        body_en="We urge you to protect the prisoners.",
        body_ko="포로들을 보호해 주십시오.",
    )
    freeze_version(letter)
    db.session.commit()
    sign(
        letter,
        kind=SignatoryKind.ORGANIZATION,
        name_en="Transitional Justice Working Group",
        name_ko="전환기정의워킹그룹",
    )
    return letter


def sign(letter, status=SignatureStatus.APPROVED, **fields):
    """A signature on the letter's current version."""
    signatory = SignatoryFactory(**{"display": Display.FULL, **fields})
    return SignatureFactory(
        signatory=signatory, letter_id=letter.id, version_id=letter.current_version.id, status=status
    )


def documents(db):
    return db.session.scalars(sa.select(Document).order_by(Document.id)).all()


def pdf_text(data):
    """The text a reader of the PDF sees, white space folded."""
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def xmp_metadata(data):
    """The PDF's XMP metadata packet, where PDF/A declares itself."""
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    return root["/Metadata"].get_object().get_data().decode()


def text_of(html):
    """The visible text of an HTML fragment, tags removed and white space folded."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
