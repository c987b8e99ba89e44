from flask import jsonify
from flask_login import current_user, login_required

from app.api import bp
from app.authz import roles_of, writable_coachees


@bp.get("/me")
@login_required
def me():
    return jsonify(
        {
            "id": current_user.id,
            "email": current_user.email,
            "name": current_user.name,
            "roles": roles_of(current_user),
            "teachers": [
                {
                    "id": coachee.teacher.id,
                    "name": coachee.teacher.name,
                    "email": coachee.teacher.email,
                    "school": coachee.school.slug,
                }
                for coachee in writable_coachees(current_user)
            ],
        }
    )
