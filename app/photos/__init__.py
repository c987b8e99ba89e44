from flask import Blueprint

# cli_group=None: `flask --app app photos-check`, not `flask photos photos-check`.
bp = Blueprint("photos", __name__, cli_group=None)

from app.photos import cli, routes  # noqa: E402,F401
