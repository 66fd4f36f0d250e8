"""The right of reply: a recipient posts its official response on the record through its delivery's link.

It becomes a Response marked as the recipient's own, public only if the recipient chose so, and it
proposes its timeline event like any other response.
"""

import logging

from flask_babel import lazy_gettext as _l

from app.core.errors import ValidationError
from app.core.text import check_text
from app.core.timeutil import utcnow
from app.mail.compose import fit
from app.responses.models import ResponseChannel, ResponseClassification, ResponseSource
from app.responses.services import SUMMARY_MAX, TEXT_MAX, log_response

log = logging.getLogger(__name__)

#: Files one answer may carry.
MAX_FILES = 5
VISIBILITY = ("public", "private")


def check_reply(data):
    """(text, name, title, is_public), cleaned; ValidationError naming each refused field."""
    fields = {}
    text, problem = check_text(data.get("text") or "", TEXT_MAX, multiline=True)
    if problem or not text:
        fields["text"] = problem or _l("Write your response.")
    name, problem = check_text(data.get("responder_name") or "", 200)
    if problem or not name:
        fields["responder_name"] = problem or _l("Give the name of the person who answers.")
    title, problem = check_text(data.get("responder_title") or "", 200)
    if problem:
        fields["responder_title"] = problem
    if data.get("visibility") not in VISIBILITY:
        fields["visibility"] = _l("Choose whether your response is public.")
    if fields:
        raise ValidationError(_l("Some fields need attention; nothing was saved."), fields=fields)
    return text, name, title, data["visibility"] == "public"


def post_reply(delivery, data, files=(), lang="en"):
    """The recipient's response to `delivery` with its checked files (CheckedProof); flushed."""
    text, name, title, is_public = check_reply(data)
    if len(files) > MAX_FILES:
        message = _l("At most %(n)d files.", n=MAX_FILES)
        raise ValidationError(message, fields={"files": message})
    summary = fit(" ".join(text.split()), min(SUMMARY_MAX, 500))
    values = {
        "recipient_id": delivery.recipient_id,
        "delivery_id": delivery.id,
        "received_on": utcnow().date(),
        "channel": ResponseChannel.OTHER.value,
        "classification": ResponseClassification.SUBSTANTIVE.value,
        "summary_ko" if lang == "ko" else "summary_en": summary,
        "text": text,
        "is_public": is_public,
    }
    response = log_response(
        delivery.letter,
        values,
        None,
        files=files,
        source=ResponseSource.RECIPIENT,
        responder_name=name,
        responder_title=title,
    )
    log.info(
        "delivery %s: response %s posted by the recipient (public: %s)", delivery.id, response.id, is_public
    )
    return response
