"""The evidence pack's one-page summary: rendered by the project's renderer, signed like every PDF."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.i18n import localized
from app.core.timeutil import utcnow
from app.deliveries.evidence_texts import either, moment, words
from app.deliveries.forms import LANGUAGE_LABELS
from app.deliveries.labels import CHANNEL_LABELS, DELIVERY_STATUS_LABELS
from app.documents.signing import sign_pdf
from app.rendering.environment import letter_environment
from app.rendering.typography import keep_words_together

TEMPLATE = "evidence/summary.html"

LABELS = {
    "recipient": _l("Recipient"),
    "addressee": _l("Addressee"),
    "address": _l("Address"),
    "destination": _l("Destination"),
    "channel": _l("Channel"),
    "language": _l("Language"),
    "status": _l("Status"),
    "letter": _l("Letter"),
    "document": _l("The delivered document"),
    "file": _l("File"),
    "sha256": _l("SHA-256"),
    "size": _l("Size"),
    "pages": _l("Pages"),
    "signatories": _l("Signatories"),
    "proofs": _l("Proof items"),
    "kind": _l("What it proves"),
    "no_proofs": _l("No proof item."),
    "timeline": _l("Timeline of the attempt"),
    "time": _l("Time (UTC)"),
    "change": _l("Change"),
    "by": _l("By"),
    "detail": _l("Detail"),
    "manifest": _l(
        "manifest-sha256.txt lists every file of this pack with its SHA-256 (check it with sha256sum -c)."
    ),
}
DATES = {
    "created_at": _l("Planned on"),
    "send_at": _l("To be sent at"),
    "dispatched_at": _l("Dispatched on"),
    "sent_at": _l("Sent on"),
    "delivered_at": _l("Delivered on"),
}


def _facts(delivery, langs):
    """(label, value) rows of the summary's head: who, how, when, and the channel's last word."""
    recipient = delivery.recipient
    rows = [
        (LABELS["recipient"], either(recipient, "name", langs)),
        (LABELS["addressee"], either(recipient, "addressee", langs)),
        (LABELS["address"], _address(recipient, langs[0])),
        (LABELS["destination"], delivery.destination),
        (LABELS["channel"], words(CHANNEL_LABELS[delivery.channel], langs)),
        (LABELS["language"], words(LANGUAGE_LABELS[str(delivery.language)], langs)),
        (LABELS["status"], words(DELIVERY_STATUS_LABELS[delivery.status], langs)),
    ]
    rows += [(label, moment(getattr(delivery, column))) for column, label in DATES.items()]
    if delivery.message_id:
        rows.append(("Message-ID", delivery.message_id))
    rows.append((_l("Server's answer"), delivery.server_reply))
    return [(words(label, langs), value.splitlines()) for label, value in rows if value]


def _address(recipient, lang):
    text = localized(recipient, "address", lang) or ""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def summary_context(delivery, langs, delivered, proofs, timeline):
    """Plain data for the template: the delivery, its document, the proof items and the timeline.

    ``delivered``: (file name, size, SHA-256) of the PDF; ``proofs``: (name, kind label, SHA-256).
    """
    document = delivery.document
    name, size, sha256 = delivered
    as_of = moment(document.as_of)[:10]
    listed = len((document.signatories or {}).get("signatories", []))
    return {
        "lang": langs[0],
        "title": words(_l("Evidence of delivery %(id)d", id=delivery.id), langs),
        "letter": either(delivery.letter, "title", langs),
        "labels": {key: words(label, langs) for key, label in LABELS.items()},
        "facts": _facts(delivery, langs),
        "document": {
            "name": name,
            "size": f"{size:,}",
            "pages": document.page_count or "",
            "sha256": sha256,
            "signatories": words(
                _l(
                    "%(listed)d listed of %(count)d, as of %(date)s",
                    listed=listed,
                    count=document.signatory_count,
                    date=as_of,
                ),
                langs,
            ),
        },
        "proofs": [{"name": n, "kind": words(kind, langs), "sha256": h} for n, kind, h in proofs],
        "timeline": timeline,
        "generated": words(
            _l("Made on %(time)s, signed with the coalition's key.", time=moment(utcnow())), langs
        ),
    }


def summary_pdf(context):
    """The signed PDF of a summary context (see summary_context)."""
    from weasyprint.document import DocumentMetadata  # WeasyPrint loads only where PDFs are made

    from app.rendering.pdf import GENERATOR, pdf_from_html

    html = keep_words_together(letter_environment().get_template(TEMPLATE).render(context))
    stamp = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    metadata = DocumentMetadata(
        title=context["title"],
        authors=[current_app.config["SIGNING_NAME"]],
        generator=GENERATOR,
        created=stamp,
        modified=stamp,
        lang=context["lang"],
    )
    return sign_pdf(pdf_from_html([html], metadata))
