"""Start a job, let a worker claim it, record its progress and its end."""

import logging

from flask_babel import lazy_gettext as _l

from app.core.i18n import current_language
from app.core.timeutil import utcnow
from app.extensions import db
from app.jobs.models import JobState, StaffJob

log = logging.getLogger(__name__)

#: Rows a worker handles between two commits: progress shows at this pace.
CHUNK = 25
#: What a staff member reads when a job failed for a reason we did not foresee.
UNEXPECTED = _l("Something went wrong on our side, and the work stopped. What was done so far is kept.")


def start_job(kind, letter, actor, params, total=0):
    """A queued job; the caller commits, then sends it with queue_job."""
    job = StaffJob(
        kind=kind,
        letter_id=letter.id if letter is not None else None,
        actor_id=actor.id,
        language=current_language(),
        params=params,
        total=total,
    )
    db.session.add(job)
    db.session.flush()
    log.info("job %s (%s) queued by user %s", job.id, kind, actor.id)
    return job


def claim_job(job_id):
    """The job, marked running and committed, or None when it is over (a repeated task does nothing).

    A job found running was left by a worker that stopped: it runs again, and each row's state
    keeps what was already done from being done twice.
    """
    job = db.session.get(StaffJob, job_id, with_for_update=True)
    if job is None or not job.is_running:
        db.session.rollback()
        return None
    job.state = JobState.RUNNING
    db.session.commit()
    return job


def report(job, done, total=None):
    """Commit the work so far with the count: the page polling the job sees both together."""
    job.done = done
    if total is not None:
        job.total = total
    db.session.commit()


def finish_job(job, message):
    job.state, job.message, job.finished_at = JobState.DONE, str(message)[:1000], utcnow()
    job.done = max(job.done, job.total)
    db.session.commit()


def fail_job(job_id, message):
    """Mark the job failed with `message`, after a rollback of what the failed step began."""
    db.session.rollback()
    job = db.session.get(StaffJob, job_id)
    job.state, job.message, job.finished_at = JobState.FAILED, str(message)[:1000], utcnow()
    db.session.commit()
