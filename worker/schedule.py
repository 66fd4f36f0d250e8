"""The beat schedule: periodic tasks, each safe to run twice."""

from datetime import timedelta

BEAT_SCHEDULE = {
    "requeue-stuck-mail": {
        "task": "mail.requeue_stuck",
        "schedule": timedelta(minutes=5),
    },
}
