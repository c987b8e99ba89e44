from flask import Blueprint

# cli_group=None: `flask --app app import-staff`, not `flask admin import-staff`.
bp = Blueprint("admin", __name__, url_prefix="/admin", cli_group=None)

from app.admin import (  # noqa: E402,F401
    cli,
    import_routes,
    library_routes,
    pair_routes,
    routes,
    sso_routes,
    staff_routes,
)
