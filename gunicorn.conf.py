"""gunicorn's settings, read by `gunicorn -c gunicorn.conf.py wsgi:app` (Procfile, systemd, compose).

The client's address and scheme behind a reverse proxy are taken by the app's ProxyFix, which
trusts exactly PROXY_COUNT proxies (config.py); gunicorn itself trusts no forwarded header.
"""

import os

#: Where gunicorn listens; the compose file sets 0.0.0.0:8000 inside its container.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: Worker processes; 2-4 per CPU core.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
#: A request still running after this many seconds has its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
#: The app is built once before the workers fork: a setting error stops gunicorn at start.
preload_app = True
forwarded_allow_ips = ""
secure_scheme_headers = {}
accesslog = "-"
errorlog = "-"
