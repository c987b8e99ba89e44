"""The coach's record of one teacher, and comments on a step from a form (the pages send
them through the device's outbox; this route is the fallback without JavaScript)."""

import uuid

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.authz import visible_step_or_404, writable_coachees
from app.coaching import bp, services
from app.errors import Refused
from app.extensions import db
from app.htmx import is_htmx
from app.steps.services import add_comment

bp.add_app_template_global(services.how_long, "step_lasted")
bp.add_app_template_global(lambda: str(uuid.uuid4()), "new_uuid")


def _coachee_or_404(teacher_id: int):
    for coachee in writable_coachees(current_user):
        if coachee.coached_by_user and coachee.teacher.id == teacher_id:
            return coachee
    abort(404)


@bp.route("/coaching/teachers/<int:teacher_id>")
@login_required
def record(teacher_id: int):
    """Everything the coach needs before the next drop-in with this teacher."""
    coachee = _coachee_or_404(teacher_id)
    return render_template("coaching/record.html", record=services.record_of(current_user, coachee))


def _comment_id(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return uuid.uuid4()


@bp.post("/steps/<int:action_step_id>/comments")
@login_required
def add_step_comment(action_step_id: int):
    step = visible_step_or_404(current_user, action_step_id)
    body = request.form.get("body", "")
    errors = None
    try:
        add_comment(current_user, step, _comment_id(request.form.get("comment_id")), body)
        db.session.commit()
    except Refused as refused:
        if refused.status != 422:
            raise
        db.session.rollback()
        errors = refused.errors
    if is_htmx() or errors:
        html = render_template("steps/_conversation.html", step=step, errors=errors, body=body)
        return html, 422 if errors else 200
    if current_user.id == step.teacher_id:
        return redirect(url_for("teacher.index"))
    return redirect(url_for("coaching.record", teacher_id=step.teacher_id))
