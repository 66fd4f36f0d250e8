"""Work on many signatures at once as a staff job: a bulk decision, a CSV import."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.campaigns.public import forget_letter
from app.core.errors import DomainError
from app.extensions import db
from app.jobs.services import CHUNK, report, start_job
from app.signatures import importing
from app.signatures.labels import STATUS_LABELS
from app.signatures.models import Signature, SignatureStatus
from app.signatures.moderation import decide

#: Up to this many ticked signatures are decided within the request; more go to a worker.
INLINE_LIMIT = 20


def start_bulk(letter, signatures, to, reason, actor):
    """A job deciding `signatures` (already checked) one by one; the caller commits and queues it."""
    params = {"ids": [s.id for s in signatures], "to": str(to), "reason": reason or ""}
    return start_job("signatures.bulk", letter, actor, params, total=len(signatures))


def run_bulk(job):
    """Decide each signature of the job, by the state of its row: one already so is left alone,
    one whose state changed since it was ticked is counted and left."""
    to = SignatureStatus(job.params["to"])
    changed = already = refused = 0
    ids = job.params["ids"]
    for number, signature_id in enumerate(ids, 1):
        signature = db.session.get(Signature, signature_id, with_for_update=True)
        if signature is None or signature.letter_id != job.letter_id:
            refused += 1
        elif signature.status == to:
            already += 1
        else:
            try:
                decide(signature, to, job.actor, reason=job.params["reason"])
                changed += 1
            except DomainError:
                refused += 1
        if number % CHUNK == 0 or number == len(ids):
            report(job, number)
    forget_letter(job.letter)
    return _bulk_result(to, changed, already, refused)


def _bulk_result(to, changed, already, refused):
    status = STATUS_LABELS[to]
    parts = [
        ngettext(
            "%(num)d signature is now: %(status)s.",
            "%(num)d signatures are now: %(status)s.",
            changed,
            status=status,
        )
    ]
    if already:
        parts.append(ngettext("%(num)d was so already.", "%(num)d were so already.", already))
    if refused:
        parts.append(
            ngettext(
                "%(num)d changed meanwhile and was left as it is.",
                "%(num)d changed meanwhile and were left as they are.",
                refused,
            )
        )
    return " ".join(parts)


def start_import(letter, token, actor):
    """A job importing the rows of a previewed file; the caller commits and queues it."""
    importing.staged_bytes(letter, token)  # a file that is gone is refused now, not in the worker
    return start_job("signatures.import", letter, actor, {"token": token})


def run_import(job):
    """Add the file's rows that are not duplicates; a repeated run finds the rows added before."""
    letter, token = job.letter, job.params["token"]
    added = 0

    def on_row(number, total):
        nonlocal added
        added = number
        if number % CHUNK == 0 or number == total:
            report(job, number, total)

    try:
        importing.import_staged(letter, token, job.actor, on_row=on_row)
    except DomainError as error:
        db.session.rollback()
        stopped = ngettext(
            "%(num)d signature was imported before the import stopped.",
            "%(num)d signatures were imported before the import stopped.",
            job.done,
        )
        raise DomainError(_l("%(error)s %(stopped)s", error=error.message, stopped=stopped)) from None
    importing.discard(letter, token)
    forget_letter(letter)
    return ngettext("%(num)d signature imported.", "%(num)d signatures imported.", added)


def signatures_of(letter, ids):
    query = sa.select(Signature).where(Signature.letter_id == letter.id, Signature.id.in_(ids))
    return db.session.scalars(query.order_by(Signature.id)).all()
