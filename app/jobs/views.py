"""A staff job's page (/staff/jobs/<id>) and the JSON its page polls while the work runs."""

from flask import Blueprint, abort, jsonify, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import staff_required
from app.auth.permissions import can
from app.extensions import db
from app.jobs.labels import KIND_LABELS, STATE_LABELS
from app.jobs.models import StaffJob
from app.jobs.tasks import queue_job

bp = Blueprint("jobs", __name__, url_prefix="/staff/jobs")


def _job(job_id):
    """The job, if this person may see the campaign its letter belongs to (404 otherwise)."""
    job = db.get_or_404(StaffJob, job_id)
    if job.letter_id is not None and not can(current_user, "view", job.letter.campaign_id):
        abort(404)
    return job


def started(job):
    """Commit a job a view started, hand it to a worker, and show its page."""
    job_id = job.id
    db.session.commit()
    queue_job(job_id)
    return redirect(url_for("jobs.show", job_id=job_id))


@bp.get("/<int:job_id>")
@staff_required
def show(job_id):
    job = _job(job_id)
    return render_template(
        "jobs/show.html", job=job, progress=job.progress(), kinds=KIND_LABELS, states=STATE_LABELS
    )


@bp.get("/<int:job_id>/progress.json")
@staff_required
def progress(job_id):
    job = _job(job_id)
    return jsonify({**job.progress(), "state_label": str(STATE_LABELS[job.state])})
