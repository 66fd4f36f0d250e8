"""Every Celery task module, imported so that a worker knows every task."""

from app.deliveries import tasks as delivery_tasks  # noqa: F401
from app.documents import tasks as document_tasks  # noqa: F401
from app.inbound import poll_tasks as inbound_poll_tasks  # noqa: F401
from app.inbound import tasks as inbound_tasks  # noqa: F401
from app.jobs import tasks as job_tasks  # noqa: F401
from app.mail import tasks as mail_tasks  # noqa: F401
from app.signatures import tasks as signature_tasks  # noqa: F401
from app.signatures import update_tasks as signature_update_tasks  # noqa: F401
from app.timeline import tasks as timeline_tasks  # noqa: F401
