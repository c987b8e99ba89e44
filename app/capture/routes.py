from flask import render_template
from flask_login import current_user, login_required

from app.authz import writable_coachees
from app.capture import bp


@bp.route("/visits/new")
@login_required
def new_visit():
    return render_template("capture/new.html", coachees=writable_coachees(current_user))
