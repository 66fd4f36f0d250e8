"""gunicorn's settings, read by `gunicorn -c gunicorn.conf.py wsgi:app` (Procfile, systemd, compose).

The client's address and scheme behind a reverse proxy are taken by the app's ProxyFix, which
trusts exactly PROXY_COUNT proxies (config.py); gunicorn itself trusts no forwarded header.
"""

import os

#: Where gunicorn listens; the compose file sets 0.0.0.0:8000 inside its container.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: Worker processes and threads in each: 3 x 4 served the most sign-ons a second on 2 cores
#: (bench/sign_on_spike.py --sweep); more processes per core when the database is remote.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
#: gunicorn's threaded worker, telling the app when each request arrived, so that one that queued
#: too long under overload is answered "busy" at once (app/core/overload.py).
worker_class = "app.core.timed_worker.TimedThreadWorker"
#: A request still running after this many seconds has its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
#: The app is built once before the workers fork: a setting error stops gunicorn at start.
preload_app = True
forwarded_allow_ips = ""
secure_scheme_headers = {}
#: Requests are logged by the reverse proxy; GUNICORN_ACCESS_LOG=- logs them here too.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
