"""`flask letters render` (a signed PDF, synchronously) and `flask documents list|retry`."""

import time

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.core.errors import DomainError
from app.documents import storage
from app.documents.dispatch import queue_render
from app.documents.models import Document, DocumentStatus
from app.documents.services import current_document, retry_document
from app.documents.tasks import render
from app.extensions import db
from app.letters.models import Letter
from app.recipients.models import Recipient

letters_cli = AppGroup("letters", help="Letters: render them to signed PDFs.")
documents_cli = AppGroup("documents", help="Rendered PDFs: list them, render failed ones again.")


def find_letter(reference):
    """A letter by id, by slug when only one letter has it, or by CAMPAIGN-SLUG/LETTER-SLUG."""
    if reference.isdigit():
        letter = db.session.get(Letter, int(reference))
    else:
        query = sa.select(Letter).where(Letter.slug == reference.rsplit("/", 1)[-1])
        if "/" in reference:
            from app.campaigns.models import Campaign

            query = query.join(Campaign).where(Campaign.slug == reference.split("/", 1)[0])
        letters = db.session.scalars(query).all()
        if len(letters) > 1:
            raise click.ClickException(
                f"{len(letters)} letters are called {reference!r}; give CAMPAIGN/LETTER or the id."
            )
        letter = letters[0] if letters else None
    if letter is None:
        raise click.ClickException(f"No letter {reference!r}.")
    return letter


def _wait_for_other_worker(document_id):
    """A worker is rendering this very document: wait for it rather than render it twice."""
    deadline = time.monotonic() + current_app.config["PDF_TIME_LIMIT"] + 60
    while time.monotonic() < deadline:
        db.session.rollback()
        if db.session.get(Document, document_id).status != DocumentStatus.RENDERING:
            return
        time.sleep(1)


def render_now(document_id):
    """Render the document in this process, with the pdf task's own code; return it reloaded.

    Call it right after a commit: the task's session must not nest inside an open one of ours.
    """
    status = db.session.get(Document, document_id).status
    if status == DocumentStatus.FAILED:
        retry_document(db.session.get(Document, document_id))
        db.session.commit()
        status = DocumentStatus.QUEUED
    if status == DocumentStatus.RENDERING:
        db.session.rollback()
        _wait_for_other_worker(document_id)
    elif status == DocumentStatus.QUEUED:
        db.session.rollback()
        render(document_id)  # calling the task runs it here, without the broker
    db.session.expire_all()
    return db.session.get(Document, document_id)


@letters_cli.command("render")
@click.argument("letter")
@click.option("--lang", type=click.Choice(["en", "ko", "both"]), default="en", show_default=True)
@click.option("--recipient", type=int, help="Address one recipient (its id) instead of all.")
@click.option("--pdfa", is_flag=True, help="PDF/A-3b for archives.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
def render_command(letter, lang, recipient, pdfa, out):
    """Render LETTER (id or slug) to a signed PDF in OUT, as the pdf queue would, and wait for it."""
    letter = find_letter(letter)
    addressee = db.session.get(Recipient, recipient) if recipient is not None else None
    if recipient is not None and addressee is None:
        raise click.ClickException(f"No recipient {recipient}.")
    try:
        document, _created = current_document(letter, lang, addressee, "pdfa" if pdfa else "standard")
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    document_id = document.id
    db.session.commit()
    document = render_now(document_id)
    if not document.is_ready:
        raise click.ClickException(f"The render failed ({document.failure_reason}): {document.error}")
    with open(out, "wb") as file:
        file.write(storage.read(document.token))
    click.echo(
        f"{out}: {document.page_count} pages, {document.size} bytes, signed; sha256 {document.sha256}; "
        f"document {document.token}"
    )


@documents_cli.command("list")
@click.argument("letter")
def list_command(letter):
    """The PDFs of LETTER, newest first."""
    letter = find_letter(letter)
    documents = db.session.scalars(
        sa.select(Document).where(Document.letter_id == letter.id).order_by(Document.id.desc())
    )
    for d in documents:
        reason = f" {d.failure_reason}: {d.error}" if d.status == DocumentStatus.FAILED else ""
        click.echo(
            f"{d.id}\t{d.language}\t{d.variant}\tv{d.version.number}\t{d.signatory_count} signatories\t"
            f"{d.status}{reason}"
        )


@documents_cli.command("retry")
@click.argument("document_id", type=int)
@click.option("--now", is_flag=True, help="Render in this process instead of the pdf queue.")
def retry_command(document_id, now):
    """Render the failed document DOCUMENT_ID again."""
    document = db.session.get(Document, document_id)
    if document is None:
        raise click.ClickException(f"No document {document_id}.")
    try:
        retry_document(document)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    if not now:
        queue_render(document_id)
        click.echo(f"Document {document_id} is queued on the pdf queue.")
        return
    document = render_now(document_id)
    click.echo(f"Document {document_id}: {document.status}")
