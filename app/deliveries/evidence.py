"""A delivery's evidence pack: one ZIP with the PDF as delivered, its signatory list, the channel's proof,
the timeline, a signed summary and a manifest of every file's SHA-256."""

import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.errors import Conflict
from app.core.timeutil import utcnow
from app.deliveries.evidence_summary import summary_context, summary_pdf
from app.deliveries.evidence_texts import (
    pack_languages,
    record_rows,
    record_text,
    signatory_csv,
    timeline_csv,
    timeline_rows,
)
from app.deliveries.proofs import proof_file
from app.deliveries.record_forms import PROOF_KIND_LABELS
from app.documents import storage
from app.documents.views import download_name
from app.extensions import db
from app.inbound.models import InboundMessage, InboundStatus

log = logging.getLogger(__name__)

MANIFEST = "manifest-sha256.txt"
SUMMARY = "summary.pdf"
ZIP_TYPE = "application/zip"


class NoEvidence(Conflict):
    """The delivery has no delivered PDF to make a pack of (yet, or any more)."""

    code = "no_evidence"


@dataclass(frozen=True)
class Item:
    """One file of the pack: its path inside the ZIP, its bytes and what it is."""

    path: str
    data: bytes
    kind: object = ""

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


def sha256_line(sha256, name):
    """A line as sha256sum writes it (and `sha256sum -c` reads it)."""
    return f"{sha256}  {name}\n"


def delivered_pdf(delivery):
    """(file name, bytes) of the PDF the delivery carried; NoEvidence when there is none to show."""
    document = delivery.document
    if document is None:
        raise NoEvidence(
            _l("This delivery has no document yet: its evidence pack is made once it is queued."),
            code="no_document",
        )
    if not document.is_ready:
        raise NoEvidence(
            _l("This delivery's PDF is not rendered yet. Try again in a moment."), code="pending"
        )
    try:
        data = storage.read(document.token)
    except (OSError, ValueError):
        raise NoEvidence(_l("The delivered PDF is no longer stored."), code="document_missing") from None
    recorded = delivery.document_sha256 or document.sha256
    if hashlib.sha256(data).hexdigest() != recorded:
        message = _l("The stored PDF does not match the SHA-256 recorded for this delivery.")
        raise NoEvidence(message, code="document_changed")
    return download_name(document), data


def status_notifications(delivery):
    """The delivery status notifications filed for the delivery, oldest first."""
    query = (
        sa.select(InboundMessage)
        .where(
            InboundMessage.delivery_id == delivery.id,
            InboundMessage.status == InboundStatus.FILED,
            InboundMessage.kind.startswith("dsn_"),
        )
        .order_by(InboundMessage.id)
    )
    return db.session.scalars(query).all()


def proof_items(delivery, langs):
    """The channel's proof: its record (the server's answer, the carrier's data), DSNs and proof files."""
    items = [Item("proof/record.txt", record_text(record_rows(delivery, langs)), _l("The channel's record"))]
    for inbound in status_notifications(delivery):
        name = f"proof/dsn-{inbound.id}-{inbound.kind.removeprefix('dsn_')}.eml"
        items.append(Item(name, inbound.raw, _l("Delivery status notification")))
    for proof in delivery.proofs:
        path = proof_file(proof)
        if path is None:
            log.warning("delivery %s: the file of proof %s is missing", delivery.id, proof.id)
            continue
        items.append(
            Item(f"proof/{proof.id}-{proof.filename}", path.read_bytes(), PROOF_KIND_LABELS[proof.kind])
        )
    return items


def pack_items(delivery):
    """Every file of the pack, the manifest last."""
    langs = pack_languages(delivery)
    name, pdf = delivered_pdf(delivery)
    document = Item(f"document/{name}", pdf)
    as_of = document_day(delivery)
    items = [
        document,
        Item(f"document/{name}.sha256", sha256_line(document.sha256, name).encode()),
        Item(f"signatories-as-of-{as_of}.csv", signatory_csv(delivery.document.signatories, langs)),
    ]
    proofs = proof_items(delivery, langs)
    timeline = timeline_rows(delivery, langs)
    items += [*proofs, Item("timeline.csv", timeline_csv(timeline, langs))]
    context = summary_context(
        delivery,
        langs,
        (name, len(pdf), document.sha256),
        [(item.path, item.kind, item.sha256) for item in proofs],
        timeline,
    )
    items.insert(0, Item(SUMMARY, summary_pdf(context)))
    manifest = "".join(sha256_line(item.sha256, item.path) for item in items)
    return [*items, Item(MANIFEST, manifest.encode())]


def document_day(delivery):
    return delivery.document.as_of.strftime("%Y-%m-%d")


def pack_name(delivery):
    return f"delivery-{delivery.id}-evidence"


def evidence_pack(delivery):
    """(download name, ZIP bytes) of the delivery's evidence pack; NoEvidence when it has no PDF."""
    folder = pack_name(delivery)
    stamp = utcnow().timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in pack_items(delivery):
            info = zipfile.ZipInfo(f"{folder}/{item.path}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, item.data)
    log.info("delivery %s: evidence pack made", delivery.id)
    return f"{folder}.zip", out.getvalue()
