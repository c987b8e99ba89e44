"""Data protection: retention periods per trust and the daily `apply-retention`, erasure
of a person, the privacy page, and the one registry of where personal data lives
(app/privacy/personal.py)."""

from flask import Blueprint

# cli_group=None: `flask --app app apply-retention`, not `flask privacy apply-retention`.
bp = Blueprint("privacy", __name__, cli_group=None)

from app.privacy import cli, routes  # noqa: E402,F401
