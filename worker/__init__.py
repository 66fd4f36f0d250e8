"""The Celery entry point: `celery -A worker worker` and `celery -A worker beat`.

Both read the same environment variables as the web app and run tasks inside its app context.
"""

import sys

from app import ConfigError, create_app


def _build():
    try:
        flask_app = create_app()
        if flask_app.config["PREFLIGHT_CHECKS"]:
            from app.core.preflight import run_checks

            with flask_app.app_context():
                run_checks()
    except ConfigError as error:
        sys.exit(f"undersigned: {error}")
    return flask_app


flask_app = _build()

# Importing the task modules registers every task with Celery.
from app import tasks as _tasks  # noqa: E402,F401
from worker.schedule import BEAT_SCHEDULE, inbound_poll  # noqa: E402

celery = app = flask_app.extensions["celery"]
celery.conf.beat_schedule = BEAT_SCHEDULE
celery.conf.beat_schedule["poll-inbound-mail"] = inbound_poll(flask_app.config)
# Only the beat that holds the PostgreSQL lock sends the schedule (worker/beat.py).
celery.conf.beat_scheduler = "worker.beat:LockedScheduler"
