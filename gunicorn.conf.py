"""gunicorn settings (read from the working directory; boot.sh's flags win where both
set one): threads, so that slow or stalled clients wait in cheap threads while others are
served; access logs without tokens."""

import os

from app.serving import gunicorn_logger_class

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 3))
worker_class = "gthread"
#: A stalled client holds one thread until REQUEST_BODY_TIMEOUT (never a database
#: connection): 64 per worker keep 50 of them from stopping anyone else.
threads = int(os.environ.get("GUNICORN_THREADS", 64))
#: A worker that stops answering its heartbeat for this long is restarted.
timeout = 30
keepalive = 5
#: The app writes its own request log (app/requestlog.py); gunicorn's access log is off
#: unless GUNICORN_ACCESS_LOG names a file ("-" for stdout), and then scrubbed of tokens.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
logger_class = gunicorn_logger_class()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
