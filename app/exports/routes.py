import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user, login_required

from app.authz import led_school_ids
from app.exports import bp
from app.extensions import db
from app.models import School


def led_schools() -> list[School]:
    schools = db.session.scalars(
        sa.select(School).where(School.id.in_(led_school_ids(current_user))).order_by(School.name)
    ).all()
    if not schools:
        abort(404)
    return list(schools)


@bp.route("/coverage")
@login_required
def coverage():
    """The lead's home: who has and has not been coached lately."""
    return render_template("exports/coverage.html", schools=led_schools())


@bp.route("/exports")
@login_required
def index():
    return render_template("exports/index.html", schools=led_schools())
