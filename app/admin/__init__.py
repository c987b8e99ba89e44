from flask import Blueprint

# cli_group=None: `flask --app app import-staff`, not `flask admin import-staff`.
bp = Blueprint("admin", __name__, url_prefix="/admin", cli_group=None)


@bp.app_template_global()
def may_change_account(admin, person) -> bool:
    """For the person page: whether to offer links and deactivation (authz decides)."""
    from app.authz.accounts import may_change_account as rule

    return rule(admin, person)


from app.admin import (  # noqa: E402,F401
    cli,
    import_routes,
    library_routes,
    pair_routes,
    routes,
    sso_routes,
    staff_routes,
    suggest_routes,
    term_routes,
)
