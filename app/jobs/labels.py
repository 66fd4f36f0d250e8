"""What staff read for a job's kind and state."""

from flask_babel import lazy_gettext as _l

from app.jobs.models import JobState

KIND_LABELS = {
    "signatures.bulk": _l("Deciding the ticked signatures"),
    "signatures.import": _l("Importing signatures from a CSV file"),
}
STATE_LABELS = {
    JobState.QUEUED: _l("Waiting for a worker"),
    JobState.RUNNING: _l("Under way"),
    JobState.DONE: _l("Done"),
    JobState.FAILED: _l("Stopped"),
}
