import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user, login_required

from app.admin import bp
from app.authz import administered_trust_ids
from app.extensions import db
from app.models import Trust


def administered_trusts() -> list[Trust]:
    trusts = db.session.scalars(
        sa.select(Trust).where(Trust.id.in_(administered_trust_ids(current_user)))
    ).all()
    if not trusts:
        abort(404)
    return list(trusts)


@bp.route("/")
@login_required
def index():
    return render_template("admin/index.html", trusts=administered_trusts())
