"""The coach's record of one teacher, and comments on a step from a form (the pages send
them through the device's outbox; this route is the fallback without JavaScript)."""

import uuid

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.authz import own_coachees, visible_step_or_404
from app.coaching import bp, services
from app.errors import field_errors
from app.extensions import db
from app.htmx import is_htmx
from app.localtime import local_date, local_today
from app.schemas import PracticeEntryInSchema
from app.steps.practice import KIND_LABELS, log_practice, practice_log
from app.steps.services import add_comment
from app.steps.views import look_at

bp.add_app_template_global(services.how_long, "step_lasted")
bp.add_app_template_global(services.so_far, "step_so_far")
bp.add_app_template_global(services.step_readers, "step_readers")
bp.add_app_template_global(lambda: str(uuid.uuid4()), "new_uuid")
bp.add_app_template_global(KIND_LABELS, "PRACTICE_KIND_LABELS")
bp.add_app_template_global(
    lambda step: local_today(step.school.timezone).isoformat(), "practice_today"
)
bp.add_app_template_global(
    lambda step: local_date(step.set_at, step.school.timezone).isoformat(), "practice_first_day"
)


def _coachee_or_404(teacher_id: int):
    coachees = own_coachees(current_user, teacher_id=teacher_id)
    if not coachees:
        abort(404)
    return coachees[0]


@bp.route("/coaching/teachers/<int:teacher_id>")
@login_required
def record(teacher_id: int):
    """Everything the coach needs before the next drop-in with this teacher."""
    coachee = _coachee_or_404(teacher_id)
    record = services.record_of(current_user, coachee)
    seen_before, practice = None, None
    if record.live_step is not None:
        seen_before = look_at(current_user, record.live_step)
        practice = practice_log(current_user, record.live_step)
        db.session.commit()
    return render_template(
        "coaching/record.html", record=record, seen_before=seen_before, practice=practice
    )


def _back_to_step(step):
    """After a form without htmx: the teacher's own page, or the coach's record of them."""
    if current_user.id == step.teacher_id:
        return redirect(url_for("teacher.index"))
    return redirect(url_for("coaching.record", teacher_id=step.teacher_id))


def _client_id(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return uuid.uuid4()


@bp.post("/steps/<int:action_step_id>/comments")
@login_required
def add_step_comment(action_step_id: int):
    step = visible_step_or_404(current_user, action_step_id)
    body = request.form.get("body", "")
    comment_id = _client_id(request.form.get("comment_id"))
    errors = field_errors(lambda: add_comment(current_user, step, comment_id, body))
    if not errors:
        db.session.commit()
    if is_htmx() or errors:
        html = render_template("steps/_conversation.html", step=step, errors=errors, body=body)
        return html, 422 if errors else 200
    return _back_to_step(step)


def _log_from_form(step) -> dict | None:
    """Log the practice the form describes, checked as the API checks it; the messages
    per field when refused, else None. The caller commits."""
    sent = {name: request.form.get(name, "") for name in ("kind", "practised_on", "note")}

    def log() -> None:
        entry = PracticeEntryInSchema().load(sent)
        entry_id = _client_id(request.form.get("entry_id"))
        log_practice(current_user, step, entry_id, **{k: entry[k] for k in sent})

    return field_errors(log)


@bp.post("/steps/<int:action_step_id>/practice")
@login_required
def log_step_practice(action_step_id: int):
    """Log one practice from the form (the pages send it through the outbox)."""
    step = visible_step_or_404(current_user, action_step_id)
    errors = _log_from_form(step)
    if not errors:
        db.session.commit()
    if is_htmx() or errors:
        html = render_template(
            "steps/_practice.html",
            step=step,
            practice=practice_log(current_user, step),
            practice_errors=errors,
            practice_form=request.form if errors else None,
        )
        return html, 422 if errors else 200
    return _back_to_step(step)
