"""Take-out: a person's own data as a zip, and a trust's whole data as an archive that
restores into a fresh Dropin (`export-trust`, `import-trust`, `build-exports`)."""

from flask import Blueprint

# cli_group=None: `flask --app app build-exports`, not `flask takeout build-exports`.
bp = Blueprint("takeout", __name__, cli_group=None)

from app.takeout import cli, routes  # noqa: E402,F401
