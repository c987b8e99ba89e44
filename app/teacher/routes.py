import sqlalchemy as sa
from flask import render_template
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Visit
from app.teacher import bp


def latest_visit_of(teacher_id: int) -> Visit | None:
    return db.session.scalar(
        sa.select(Visit)
        .where(Visit.teacher_id == teacher_id)
        .order_by(Visit.started_at.desc(), Visit.created_at.desc())
        .limit(1)
    )


@bp.route("/teacher")
@login_required
def index():
    """The teacher's home: their current action step."""
    return render_template("teacher/index.html", visit=latest_visit_of(current_user.id))
