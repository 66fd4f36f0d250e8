"""The readable files of an evidence pack: the signatory list, the timeline, the channel's record."""

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.core.csv_cells import csv_bytes
from app.core.i18n import localized
from app.core.timeutil import as_utc
from app.deliveries.display import ACTOR_LABELS
from app.deliveries.labels import CHANNEL_LABELS, DELIVERY_STATUS_LABELS
from app.deliveries.record_forms import SHOWN_COLUMNS
from app.deliveries.records import CONTACT_COLUMNS

SIGNATORY_COLUMNS = (
    _l("No."),
    _l("Kind"),
    _l("Name (English)"),
    _l("Name (Korean)"),
    _l("Affiliation (English)"),
    _l("Affiliation (Korean)"),
)
KIND_LABELS = {"organization": _l("Organization"), "individual": _l("Individual")}
TIMELINE_COLUMNS = (
    _l("Time (UTC)"),
    _l("Previous state"),
    _l("New state"),
    _l("Attempt"),
    _l("By"),
    _l("Detail"),
)
#: The channel's record: what the delivery page shows every staff member (no person's name).
RECORD_COLUMNS = {column: label for column, label in SHOWN_COLUMNS.items() if column not in CONTACT_COLUMNS}


def pack_languages(delivery):
    """The languages the pack is written in: the delivery's, English then Korean for "both"."""
    return ("en", "ko") if str(delivery.language) == "both" else (str(delivery.language),)


def words(message, langs):
    """A lazy message in each of `langs`, joined by " / " where the translations differ."""
    parts = []
    for lang in langs:
        with force_locale(lang):
            text = str(message)
        if text not in parts:
            parts.append(text)
    return " / ".join(parts)


def either(obj, field, langs):
    """A bilingual field of `obj` in each of `langs` (the other language where one is empty)."""
    parts = []
    for lang in langs:
        value = localized(obj, field, lang) or ""
        if value and value not in parts:
            parts.append(value)
    return " / ".join(parts)


def moment(value):
    """A datetime as the pack prints it: UTC, to the second; "" for none."""
    return as_utc(value).strftime("%Y-%m-%d %H:%M:%S UTC") if value else ""


def signatory_rows(snapshot):
    """(position, kind, names, lines) of the snapshot: names as printed, no contact data."""
    return [
        (
            row["position"],
            row["kind"],
            row["name"]["en"],
            row["name"]["ko"],
            row["line"]["en"],
            row["line"]["ko"],
        )
        for row in (snapshot or {}).get("signatories", [])
    ]


def signatory_csv(snapshot, langs):
    rows = [
        (n, words(KIND_LABELS.get(kind, kind), langs), *rest) for n, kind, *rest in signatory_rows(snapshot)
    ]
    return csv_bytes([words(column, langs) for column in SIGNATORY_COLUMNS], rows)


def _actor(event, langs):
    if event.actor is not None:
        return event.actor.name or event.actor.email
    return words(ACTOR_LABELS[event.actor_kind], langs)


def timeline_rows(delivery, langs):
    """The delivery's history, oldest first, as (time, previous state, new state, attempt, by, detail)."""
    rows = []
    for event in delivery.events:
        before = words(DELIVERY_STATUS_LABELS[event.from_status], langs) if event.from_status else ""
        rows.append(
            (
                moment(event.created_at),
                before,
                words(DELIVERY_STATUS_LABELS[event.to_status], langs),
                event.attempt,
                _actor(event, langs),
                event.detail,
            )
        )
    return rows


def timeline_csv(rows, langs):
    return csv_bytes([words(column, langs) for column in TIMELINE_COLUMNS], rows)


def record_rows(delivery, langs):
    """(label, value) of what the channel recorded: the server's answer for email, the carrier's for post."""
    rows = [(words(_l("Channel"), langs), words(CHANNEL_LABELS[delivery.channel], langs))]
    rows.append((words(_l("Destination"), langs), delivery.destination))
    if delivery.message_id:
        rows.append(("Message-ID", delivery.message_id))
    rows.append((words(_l("Server's answer"), langs), delivery.server_reply))
    rows.append((words(_l("Attempts"), langs), str(delivery.attempts or 0)))
    rows.append((words(_l("Sent on"), langs), moment(delivery.sent_at)))
    for column, label in RECORD_COLUMNS.items():
        value = getattr(delivery, column)
        rows.append((words(label, langs), moment(value) if column.endswith("_at") else value))
    rows.append((words(_l("Proof"), langs), delivery.proof))
    if delivery.failure_reason:
        rows.append((words(_l("Failure reason"), langs), f"{delivery.failure_reason}: {delivery.last_error}"))
    return [(label, str(value)) for label, value in rows if value]


def record_text(rows):
    """The channel's record as a text file: one "label: value" a line, multi-line values indented."""
    lines = []
    for label, value in rows:
        first, *rest = value.splitlines() or [""]
        lines.append(f"{label}: {first}")
        lines.extend(f"    {line}" for line in rest)
    return ("\n".join(lines) + "\n").encode("utf-8")
