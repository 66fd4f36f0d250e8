"""The beat schedule: periodic tasks, each safe to run twice."""

from datetime import timedelta

BEAT_SCHEDULE = {
    "sweep-mail": {"task": "mail.sweep", "schedule": timedelta(minutes=1)},
    "blank-old-mail": {"task": "mail.blank_old", "schedule": timedelta(hours=6)},
    "remind-unconfirmed-signers": {"task": "mail.remind_unconfirmed", "schedule": timedelta(minutes=15)},
    "expire-unconfirmed-signatures": {
        "task": "signatures.expire_unconfirmed",
        "schedule": timedelta(hours=1),
    },
    "anonymize-closed-letters": {"task": "signatures.anonymize_closed", "schedule": timedelta(hours=6)},
    "sweep-deliveries": {"task": "deliveries.sweep", "schedule": timedelta(minutes=1)},
    "sweep-documents": {"task": "pdf.sweep", "schedule": timedelta(minutes=5)},
    "sweep-inbound": {"task": "inbound.sweep", "schedule": timedelta(minutes=5)},
    "overdue-answers-digest": {"task": "timeline.overdue_digest", "schedule": timedelta(days=1)},
    "sweep-staff-jobs": {"task": "jobs.sweep", "schedule": timedelta(minutes=5)},
    "mail-signer-updates": {"task": "signatures.send_updates", "schedule": timedelta(minutes=5)},
}


def inbound_poll(config):
    """Read the replies mailbox every INBOUND_POLL_SECONDS; a poll not started by the next one expires."""
    seconds = config["INBOUND_POLL_SECONDS"]
    return {"task": "inbound.poll", "schedule": timedelta(seconds=seconds), "options": {"expires": seconds}}
