"""gunicorn's threaded worker, telling the app when each request arrived.

gunicorn's gthread worker accepts connections at once and queues them for its threads; the time a
request waits in that queue is invisible to the app, which only starts its clock once a thread
picks the request up. This worker stamps each connection when its data arrives and hands the
stamp to the thread that serves it, so app/core/overload.py can refuse a sign-on whose client
has waited too long already. gunicorn.conf.py selects it.
"""

import time

from gunicorn.workers.gthread import ThreadWorker

from app.core.overload import set_arrival


class TimedThreadWorker(ThreadWorker):
    def enqueue_req(self, conn):
        conn.arrived = time.monotonic()
        super().enqueue_req(conn)

    def handle(self, conn):
        set_arrival(getattr(conn, "arrived", None))
        try:
            return super().handle(conn)
        finally:
            set_arrival(None)
