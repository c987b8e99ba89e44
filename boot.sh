#!/bin/sh
# Container start: migrate the database named by DATABASE_URL, then serve with gunicorn.
# Writes nothing but the photo store: this folder and the code may be read-only and owned
# by root. Several app servers may start at once: one migrates, the others wait for it.
set -e
cd "$(dirname "$0")"
flask --app wsgi db upgrade
exec gunicorn wsgi:app \
  --bind "${BIND:-0.0.0.0:8000}" \
  --workers "${WEB_CONCURRENCY:-3}" --threads "${GUNICORN_THREADS:-4}" \
  --timeout "${GUNICORN_TIMEOUT:-60}" --graceful-timeout 30 --keep-alive 5 \
  --worker-tmp-dir "${GUNICORN_TMP_DIR:-/dev/shm}" --no-control-socket \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
