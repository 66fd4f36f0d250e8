"""The worker side of staff jobs: run one by its kind, and resend the ones a broker lost."""

import importlib
import logging
from datetime import timedelta

import sqlalchemy as sa
from celery import shared_task
from flask_babel import force_locale
from kombu.exceptions import OperationalError

from app.core.errors import DomainError
from app.core.timeutil import utcnow
from app.extensions import db
from app.jobs.models import JobState, StaffJob
from app.jobs.services import UNEXPECTED, claim_job, fail_job, finish_job

log = logging.getLogger(__name__)

#: Which function does each kind of job: it takes the claimed job and returns the result in words.
RUNNERS = {
    "signatures.bulk": "app.signatures.bulk:run_bulk",
    "signatures.import": "app.signatures.bulk:run_import",
}
#: Queued for longer than this without a worker taking it: the broker lost it, send it again.
STUCK_AFTER = timedelta(minutes=5)


def _runner(kind):
    module, name = RUNNERS[kind].split(":")
    return getattr(importlib.import_module(module), name)


@shared_task(name="jobs.run")
def run_job(job_id):
    job = claim_job(job_id)
    if job is None:
        return
    with force_locale(str(job.language)):
        try:
            message = _runner(job.kind)(job)
        except DomainError as error:
            log.warning("job %s stopped: %s", job_id, error.message)
            fail_job(job_id, error.message)
            return
        except Exception:
            log.exception("job %s failed", job_id)
            fail_job(job_id, UNEXPECTED)
            raise
        finish_job(job, message)
    log.info("job %s done", job_id)


def queue_job(job_id):
    """Send a committed job to a worker; when the broker is away the sweep sends it later."""
    try:
        run_job.delay(job_id)
    except OperationalError:
        log.warning("broker unreachable: job %s stays queued for the sweep", job_id)


@shared_task(name="jobs.sweep")
def sweep_jobs():
    stuck = db.session.scalars(
        sa.select(StaffJob.id).where(
            StaffJob.state == JobState.QUEUED, StaffJob.created_at < utcnow() - STUCK_AFTER
        )
    ).all()
    db.session.rollback()
    for job_id in stuck:
        queue_job(job_id)
    return len(stuck)
