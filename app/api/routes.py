from flask import jsonify
from flask_login import current_user, login_required

from app.api import bp
from app.authz import roles_of, writable_coachees
from app.schemas import MeSchema

ME = MeSchema()


@bp.get("/me")
@login_required
def me():
    user = current_user._get_current_object()
    return jsonify(
        ME.dump({"user": user, "roles": roles_of(user), "teachers": writable_coachees(user)})
    )
