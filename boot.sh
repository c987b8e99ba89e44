#!/bin/sh
# Container start: migrate the database named by DATABASE_URL, then serve with gunicorn.
set -e
flask --app wsgi db upgrade
exec gunicorn --bind 0.0.0.0:8000 --workers "${WEB_CONCURRENCY:-3}" --threads 4 \
  --access-logfile - --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" wsgi:app
