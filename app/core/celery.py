"""Celery bound to the Flask app: every task runs inside an app context."""

from celery import Celery, Task
from kombu import Exchange, Queue

#: Queues by purpose, so that a slow render never holds up a confirmation email.
QUEUES = ("default", "mail", "pdf")

TASK_ROUTES = {
    "mail.*": {"queue": "mail", "routing_key": "mail"},
    "pdf.*": {"queue": "pdf", "routing_key": "pdf"},
    "deliveries.*": {"queue": "mail", "routing_key": "mail"},
    "inbound.*": {"queue": "default", "routing_key": "default"},
    "signatures.*": {"queue": "default", "routing_key": "default"},
    "timeline.*": {"queue": "default", "routing_key": "default"},
}


def celery_init_app(app):
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        broker_connection_retry_on_startup=True,
        # A broker that does not answer fails a publish within seconds instead of hanging a request.
        broker_connection_timeout=app.config["CELERY_BROKER_TIMEOUT"],
        broker_transport_options=_transport_options(app.config),
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        # A task is acknowledged after it ran, so a worker killed mid-task loses nothing.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue="default",
        task_default_exchange="default",
        task_default_routing_key="default",
        task_queues=[Queue(name, Exchange(name), routing_key=name) for name in QUEUES],
        task_routes=TASK_ROUTES,
        task_always_eager=app.config["CELERY_TASK_ALWAYS_EAGER"],
        task_eager_propagates=True,
        beat_schedule_filename=app.config["INSTANCE_PATH"] + "/celerybeat-schedule",
        timezone="UTC",
        # Retries stop after this many attempts; the task's own failure handling takes over.
        # A render is asked to stop at the soft limit and its child killed at the hard one.
        task_annotations={
            "*": {"max_retries": app.config["CELERY_MAX_RETRIES"]},
            "pdf.render": {
                "soft_time_limit": app.config["PDF_SOFT_TIME_LIMIT"],
                "time_limit": app.config["PDF_TIME_LIMIT"],
            },
        },
        # WeasyPrint's memory is not all given back: a child past this many KiB is replaced.
        worker_max_memory_per_child=app.config["PDF_WORKER_MAX_MEMORY_KB"],
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def _transport_options(config):
    """Redis waits forever on a silent broker unless told otherwise (kombu's socket_timeout)."""
    if not str(config["CELERY_BROKER_URL"] or "").startswith(("redis://", "rediss://")):
        return {}
    timeout = config["CELERY_BROKER_TIMEOUT"]
    return {"socket_timeout": timeout, "socket_connect_timeout": timeout}
