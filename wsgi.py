"""WSGI entry point for gunicorn: `gunicorn wsgi:app`. Production unless told otherwise."""

import os

os.environ.setdefault("DROPIN_ENV", "production")

from app import create_app  # noqa: E402

app = create_app()
