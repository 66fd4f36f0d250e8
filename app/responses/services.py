"""Logging a recipient's response by hand or from an email, editing it, publishing it and its files."""

import logging
import re
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import ValidationError
from app.core.text import check_text, clean_text
from app.core.timeutil import utcnow
from app.deliveries.models import Delivery
from app.extensions import db
from app.recipients.models import Recipient
from app.responses.attachments import check_attachment, make_publishable, original_email, store_attachment
from app.responses.eml import parse_eml
from app.responses.linking import become_primary
from app.responses.models import Response, ResponseChannel, ResponseClassification
from app.timeline.proposals import propose_for_response

log = logging.getLogger(__name__)

SUMMARY_MAX = 2000
TEXT_MAX = 200_000
REFERENCE_MAX = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Every field a response is logged with, as the form and the API give it.
FIELDS = (
    "recipient_id",
    "delivery_id",
    "received_on",
    "channel",
    "classification",
    "summary_en",
    "summary_ko",
    "text",
    "reference",
    "is_public",
)


def _choice(data, key, enum_cls, fields):
    try:
        return enum_cls(data.get(key))
    except ValueError:
        choices = ", ".join(str(member) for member in enum_cls)
        fields[key] = _l("Choose one of: %(choices)s.", choices=choices)
        return None


def _id(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def _recipient_and_delivery(letter, data, fields):
    recipient = db.session.get(Recipient, _id(data.get("recipient_id")) or 0)
    if recipient is None:
        fields["recipient_id"] = _l("Choose the recipient who answered.")
    delivery = None
    if data.get("delivery_id") not in (None, ""):
        delivery = db.session.get(Delivery, _id(data.get("delivery_id")) or 0)
        if delivery is None or delivery.letter_id != letter.id:
            fields["delivery_id"] = _l("This delivery is not one of this letter's.")
        elif recipient is not None and delivery.recipient_id != recipient.id:
            fields["delivery_id"] = _l("This delivery went to another recipient.")
    return recipient, delivery


def _received_on(data, fields):
    value = data.get("received_on")
    if not isinstance(value, date):
        fields["received_on"] = _l("Enter the date it was received, as YYYY-MM-DD.")
        return None
    if value > utcnow().date() + timedelta(days=1):
        fields["received_on"] = _l("The date it was received cannot be in the future.")
    return value


def _texts(data, fields):
    limits = {
        "summary_en": SUMMARY_MAX,
        "summary_ko": SUMMARY_MAX,
        "text": TEXT_MAX,
        "reference": REFERENCE_MAX,
    }
    values = {}
    for key, limit in limits.items():
        raw = data.get(key) or ""
        if not isinstance(raw, str):
            fields[key] = _l("Wrong type: text is expected.")
            continue
        if key == "text":  # as received: it may quote markup, which is shown as text, never rendered
            values[key], problem = clean_text(raw, multiline=True), None
            if len(values[key]) > limit:
                problem = _l(
                    "At most %(n)d characters (this has %(count)d).", n=limit, count=len(values[key])
                )
            elif _CONTROL.search(values[key]):
                problem = _l("Remove the control characters from this text.")
        else:
            values[key], problem = check_text(raw, limit, multiline=key != "reference")
        if problem:
            fields[key] = problem
    if not fields.keys() & {"summary_en", "summary_ko"} and not (
        values["summary_en"] or values["summary_ko"]
    ):
        fields["summary_en"] = _l("Summarize the response in English or Korean (or both).")
    return values


def check_response(letter, data):
    """The fields of a response to `letter`, cleaned; ValidationError naming each refused one."""
    fields = {}
    recipient, delivery = _recipient_and_delivery(letter, data, fields)
    values = {
        "recipient": recipient,
        "delivery": delivery,
        "received_on": _received_on(data, fields),
        "channel": _choice(data, "channel", ResponseChannel, fields),
        "classification": _choice(data, "classification", ResponseClassification, fields),
        **_texts(data, fields),
        "is_public": bool(data.get("is_public")),
    }
    if fields:
        raise ValidationError(_l("Some fields need attention; nothing was saved."), fields=fields)
    return values


def log_response(letter, data, actor, files=(), **email_fields):
    """A new response to `letter` with its checked attachments (CheckedProof); flushed."""
    values = check_response(letter, data)
    response = Response(
        letter_id=letter.id, created_by_id=getattr(actor, "id", None), **values, **email_fields
    )
    db.session.add(response)
    db.session.flush()
    for checked in files:
        store_attachment(response, checked, actor)
    audit.record("response.log", response, actor, letter_id=letter.id, attachments=len(files))
    propose_for_response(response)
    log.info("letter %s: response %s logged (%s)", letter.id, response.id, response.classification)
    return response


def _json_safe(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return getattr(value, "id", None) or str(value)


def edit_response(response, data, actor):
    """Change a response's fields (its attachments stay); flushed."""
    cleaned = check_response(response.letter, data)
    before = {key: _json_safe(getattr(response, key)) for key in cleaned}
    for key, value in cleaned.items():
        setattr(response, key, value)
    if response.delivery is not None:
        become_primary(response, response.delivery)
    changed_from, changed_to = audit.changes(before, {k: _json_safe(v) for k, v in cleaned.items()})
    audit.record("response.edit", response, actor, before=changed_from, after=changed_to)
    db.session.flush()
    return response


def add_attachment(response, checked, actor):
    attachment = store_attachment(response, checked, actor)
    audit.record("response.attach", response, actor, sha256=attachment.sha256)
    db.session.flush()
    return attachment


def publish_response(response, is_public, actor):
    response.is_public = bool(is_public)
    audit.record("response.publish" if is_public else "response.unpublish", response, actor)
    db.session.flush()


def publish_attachment(attachment, is_public, actor):
    """Publish or unpublish one file; ValidationError when it may not be published."""
    if is_public:
        make_publishable(attachment)
    attachment.is_public = bool(is_public)
    action = "response.attachment_publish" if is_public else "response.attachment_unpublish"
    audit.record(action, attachment.response, actor, attachment_id=attachment.id)
    db.session.flush()


def _checked_email_files(parsed):
    """The email's attachments that pass the checks, and the names of those that do not."""
    files, left = [], []
    for name, _content_type, payload in parsed["attachments"]:
        try:
            files.append(check_attachment(payload, name))
        except ValidationError:
            left.append(name or "?")
    return files, left


def log_email(letter, raw, data, actor):
    """A response logged from a raw email: (response, names of attachments kept only in the email).

    The email's date, subject and text fill what `data` leaves empty; the raw email is kept too.
    """
    original_email(raw, "")  # too large: refused before it is read
    parsed = parse_eml(raw)
    kept = original_email(raw, parsed["subject"])
    data = {"channel": ResponseChannel.EMAIL.value, **data, "text": parsed["text"]}
    data["received_on"] = data.get("received_on") or parsed["received_on"] or utcnow().date()
    if not (data.get("summary_en") or data.get("summary_ko")) and parsed["subject"]:
        hangul = any("\uac00" <= char <= "\ud7a3" for char in parsed["subject"])
        data["summary_ko" if hangul else "summary_en"] = parsed["subject"][:SUMMARY_MAX]
    files, left = _checked_email_files(parsed)
    email_fields = {"subject": parsed["subject"][:998], "sender": parsed["sender"][:998]}
    response = log_response(letter, data, actor, files=[*files, kept], **email_fields)
    return response, left
