"""A real pdf worker (prefork, memory cap, time limits) renders documents sent through Redis."""

import io
import re
import time

import pytest
import sqlalchemy as sa
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from app.campaigns.public import forget_letter
from app.documents import storage
from app.documents.models import Document, DocumentStatus, FailureReason
from app.documents.services import current_document
from app.documents.signing import coalition_certificate
from app.documents.verify import verify_pdf
from app.extensions import db
from app.models import Signatory, SignatoryKind, Signature, SignatureStatus
from app.signatures.privacy import erase_person, find_signatories
from tests.conftest import REDIS_URL
from tests.worker.test_real_worker import CELERY, Worker, purge_queues, sending_app, started_workers

#: A worker of the pdf queue as production runs it (README), one child at a time.
PDF_WORKER = [CELERY, "-A", "worker", "worker", "--queues=pdf", "--pool=prefork", "--concurrency=1"]
PDF_WORKER += ["--max-memory-per-child=400000", "--without-mingle", "--without-gossip", "--loglevel=INFO"]


class PdfWorker(Worker):
    command = PDF_WORKER


@pytest.fixture
def pdf_worker(app, database_url, document_folder):
    """Start a pdf worker sharing this app's database, documents folder and signing key."""
    purge_queues(REDIS_URL)

    def make(**settings):
        environment = {
            "APP_ENV": "testing",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "INSTANCE_PATH": app.instance_path,
            "DOCUMENT_FOLDER": str(document_folder),
            **settings,
        }
        return PdfWorker(**environment)

    yield from started_workers(make)


def send_render(database_url, document_id):
    """Send pdf.render as the web app does: TASK_ROUTES puts it on the pdf queue."""
    with sending_app(database_url, REDIS_URL) as app:
        app.extensions["celery"].send_task("pdf.render", args=[document_id])


def wait_until_done(document_id, timeout=60):
    query = sa.select(Document.status).where(Document.id == document_id)
    deadline = time.monotonic() + timeout
    while (status := db.session.execute(query).scalar_one()) in (
        DocumentStatus.QUEUED,
        DocumentStatus.RENDERING,
    ):
        assert time.monotonic() < deadline, f"document {document_id} is still {status} after {timeout} s"
        db.session.rollback()
        time.sleep(0.2)
    db.session.expire_all()
    return db.session.get(Document, document_id)


def add_signers(letter, count):
    for n in range(count):
        signatory = Signatory(kind=SignatoryKind.INDIVIDUAL, name_en=f"Signer {n}", has_consented=True)
        db.session.add(
            Signature(
                signatory=signatory,
                letter_id=letter.id,
                version_id=letter.current_version.id,
                status=SignatureStatus.CONFIRMED,
            )
        )


@pytest.mark.slow
@pytest.mark.committed
def test_pdf_worker_renders_a_document_sent_through_redis(pdf_worker, database_url, letter):
    worker = pdf_worker()
    document, _ = current_document(letter, "both")
    db.session.commit()
    send_render(database_url, document.id)
    document = wait_until_done(document.id)
    assert document.status == DocumentStatus.READY, worker.output
    data = storage.read(document.token)
    [embedded] = PdfFileReader(io.BytesIO(data)).embedded_signatures
    context = ValidationContext(trust_roots=[coalition_certificate()], allow_fetching=False)
    assert validate_pdf_signature(embedded, signer_validation_context=context).bottom_line
    assert verify_pdf(data).is_authentic
    assert "pdf.render" in worker.output and "succeeded" in worker.output


@pytest.mark.slow
@pytest.mark.committed
def test_pdf_worker_stops_a_render_at_its_soft_time_limit(pdf_worker, database_url, letter):
    worker = pdf_worker(PDF_SOFT_TIME_LIMIT="1", PDF_TIME_LIMIT="30")
    add_signers(letter, 2000)  # about three seconds of layout, far past the one-second soft limit
    document, _ = current_document(letter, "en")
    db.session.commit()
    send_render(database_url, document.id)
    document = wait_until_done(document.id)
    assert (document.status, document.failure_reason) == (DocumentStatus.FAILED, FailureReason.TIME_LIMIT), (
        worker.output
    )
    assert "SoftTimeLimitExceeded" in document.error


@pytest.mark.slow
@pytest.mark.committed
def test_the_page_shows_a_long_render_progressing(pdf_worker, database_url, letter, client):
    worker = pdf_worker()
    add_signers(letter, 3000)  # about a hundred pages
    document, _ = current_document(letter, "en")
    db.session.commit()
    send_render(database_url, document.id)
    query = sa.select(Document.status, Document.progress).where(Document.id == document.id)
    seen, shown, deadline = set(), set(), time.monotonic() + 60
    while (row := db.session.execute(query).one()).status != DocumentStatus.READY:
        assert row.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING), worker.output
        assert time.monotonic() < deadline, f"still {row.status} after 60 s"
        db.session.rollback()
        if row.status == DocumentStatus.RENDERING and 0 < row.progress < 100:
            seen.add(row.progress)
            forget_letter(letter)
            page = client.get(f"/c/{letter.campaign.slug}?lang=en").get_data(as_text=True)
            shown.update(int(percent) for percent in re.findall(r"rendering, (\d+)% done", page))
        time.sleep(0.1)
    assert len(seen) >= 3, seen  # it grew while the pages were laid out, not in one jump
    assert shown and all(0 < percent < 100 for percent in shown), shown


@pytest.mark.slow
@pytest.mark.committed
def test_an_erasure_during_a_render_leaves_no_file_listing_the_erased_person(
    pdf_worker, database_url, letter
):
    worker = pdf_worker()
    add_signers(letter, 3000)  # a render of some seconds, long enough to erase someone meanwhile
    address = "erased.during@example.org"
    person = Signatory(
        kind=SignatoryKind.INDIVIDUAL,
        name_en="Erased During",
        email=address,
        email_key=address,
        has_consented=True,
    )
    db.session.add(
        Signature(
            signatory=person,
            letter_id=letter.id,
            version_id=letter.current_version.id,
            status=SignatureStatus.APPROVED,
        )
    )
    document, _ = current_document(letter, "en")
    db.session.commit()
    send_render(database_url, document.id)
    query = sa.select(Document.status, Document.progress).where(Document.id == document.id)
    deadline = time.monotonic() + 180  # bounded; a loaded machine starts the worker late
    while (row := db.session.execute(query).one()).status != DocumentStatus.RENDERING or not row.progress:
        assert row.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING), (row, worker.output)
        assert time.monotonic() < deadline, (row, worker.output)
        db.session.rollback()
        time.sleep(0.05)

    erase_person(find_signatories(address), None)
    db.session.commit()

    deadline = time.monotonic() + 60
    while "succeeded" not in worker.output:
        assert time.monotonic() < deadline, worker.output
        time.sleep(0.2)
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    assert document.is_withdrawn and document.status == DocumentStatus.RENDERING, worker.output
    assert not storage.has_file(document.token)
