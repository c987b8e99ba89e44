from flask import jsonify, request
from flask_login import current_user, login_required

from app.api import bp
from app.authz import roles_of, writable_coachees
from app.errors import error_response
from app.limits import TEACHERS_LISTED
from app.schemas import MeSchema

ME = MeSchema()
SEARCH_MAX_LENGTH = 100


@bp.get("/me")
@login_required
def me():
    user = current_user._get_current_object()
    search = request.args.get("q", "").strip()
    if len(search) > SEARCH_MAX_LENGTH:
        return error_response(400, f"Search for at most {SEARCH_MAX_LENGTH} characters.")
    teachers = writable_coachees(user, limit=TEACHERS_LISTED + 1, search=search)
    me = {"user": user, "roles": roles_of(user), "teachers": teachers[:TEACHERS_LISTED]}
    if len(teachers) > TEACHERS_LISTED:
        me["more_teachers"] = True  # only then: the shape stays as it was for everyone else
    return jsonify(ME.dump(me))
