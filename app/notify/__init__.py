"""The weekly rhythm: emails for a new step, a reminder, the coach's Monday list and the
lead's weekly CSV; each person's choice of emails; the "new" markers on steps."""

from flask import Blueprint

# cli_group=None: `flask --app app send-notifications`, not `flask notify send-notifications`.
bp = Blueprint("notify", __name__, cli_group=None)

from app.notify import cli, routes  # noqa: E402,F401
