from flask import Blueprint

# cli_group=None: `flask --app app export-visits`, not `flask exports export-visits`.
bp = Blueprint("exports", __name__, cli_group=None)

from app.exports import cli, routes  # noqa: E402,F401
