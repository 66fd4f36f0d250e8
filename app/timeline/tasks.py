"""Periodic work of the timeline: the daily digest of overdue answers."""

from celery import shared_task

from app.core.cache import get_cache
from app.core.timeutil import utcnow
from app.extensions import db
from app.mail.services import send_queued
from app.timeline.chasers import prepare_chasers
from app.timeline.digest import queue_overdue_digest


@shared_task(name="timeline.overdue_digest")
def overdue_digest():
    """Email staff what is overdue and prepare its chasers, once a day even if beat runs it twice."""
    today = utcnow().date()
    key = f"timeline:digest:{today.isoformat()}"
    cache = get_cache()
    if cache.get(key):
        return 0
    prepare_chasers(today)
    message_ids = queue_overdue_digest(today)
    db.session.commit()
    cache.set(key, True, 2 * 24 * 3600)
    send_queued(*message_ids)
    return len(message_ids)
