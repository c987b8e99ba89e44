#!/bin/sh
# Container start: migrate the database named by DATABASE_URL, then serve with gunicorn.
set -e
flask --app wsgi db upgrade
# Workers, threads, timeouts and the access log: gunicorn.conf.py.
exec gunicorn wsgi:app
