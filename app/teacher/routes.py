"""The teacher's pages on a tablet: the current step, its history and the journey."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.authz import get_visit_or_404, has_teacher_pages, may_set_step_status
from app.errors import field_errors
from app.extensions import db
from app.htmx import is_htmx, page_or_fragment
from app.schemas import ActionStepPatchSchema
from app.steps.practice import practice_log
from app.steps.views import look_at
from app.teacher import bp, services
from app.teacher.formatting import STATUS_LABELS as STEP_STATUS_LABELS
from app.visits.services import update_action_step

bp.add_app_template_global(may_set_step_status, "may_set_step_status")

#: What the teacher reads after moving their step on.
STATUS_SAVED = {
    "new": "Back to new.",
    "practising": "Great: you are practising it. Your coach can see that.",
    "embedded": "Marked embedded: part of your teaching now. Your coach can see that.",
}


def _teacher_or_404() -> None:
    if not has_teacher_pages(current_user):
        abort(404)


@bp.route("/teacher")
@login_required
def index():
    """The teacher's home: their current action step, large, with what to do next."""
    _teacher_or_404()
    visit = services.current_visit(current_user)
    seen_before, practice = None, None
    if visit is not None and visit.action_step is not None:
        seen_before = look_at(current_user, visit.action_step)
        practice = practice_log(current_user, visit.action_step)
        db.session.commit()
    return render_template(
        "teacher/index.html", visit=visit, seen_before=seen_before, practice=practice
    )


@bp.route("/teacher/history")
@login_required
def history():
    """Every step so far, newest first; the filters swap the list in place."""
    _teacher_or_404()
    categories = services.step_categories(current_user)
    chosen = services.HistoryFilter.from_args(request.args, categories)
    visits = services.history(current_user, chosen)
    return page_or_fragment(
        "teacher/_history_list.html",
        "teacher/history.html",
        visits=visits,
        categories=categories,
        chosen=chosen,
    )


@bp.route("/teacher/journey")
@login_required
def journey():
    """How the steps built on each other, term by term."""
    _teacher_or_404()
    return render_template("teacher/journey.html", terms=services.journey(current_user))


REFLECTION_SAVED = "Reflection saved. Your coach can read it."
REFLECTION_REMOVED = "Reflection removed: your coach no longer sees it."
NOTHING_TO_SAVE = "Nothing to save yet: write your reflection first."

# Changing the step: one tap to acknowledge, a status, a reflection. Each answers htmx
# with its self-replacing fragment and a plain form post with the whole page.


def _after_change(visit, fragment: str, errors: dict | None = None, **context):
    if not errors and not is_htmx():
        return redirect(url_for("teacher.index"))
    status = 422 if errors else 200
    return page_or_fragment(
        fragment,
        "teacher/index.html",
        status,
        visit=visit,
        errors=errors,
        practice=practice_log(current_user, visit.action_step),
        **context,
    )


def _apply(visit, change: dict) -> dict | None:
    """Check the change as the API does (its schema), apply it through the one service;
    the messages per field when refused, else None. The caller commits."""
    return field_errors(
        lambda: update_action_step(current_user, visit, **ActionStepPatchSchema().load(change))
    )


def _own_visit(visit_id):
    return services.own_visit_or_404(current_user, visit_id)


def _change_step(visit, fragment: str, message: str, **change):
    errors = _apply(visit, change)
    if errors:
        return _after_change(
            visit, fragment, errors=errors, reflection_text=change.get("reflection")
        )
    db.session.commit()
    return _after_change(visit, fragment, message=message)


@bp.post("/teacher/steps/<uuid:visit_id>/acknowledge")
@login_required
def acknowledge(visit_id):
    return _change_step(
        _own_visit(visit_id),
        "teacher/_progress.html",
        "Thanks. Your coach can see you have it.",
        acknowledged=True,
    )


@bp.post("/teacher/steps/<uuid:visit_id>/status")
@login_required
def set_status(visit_id):
    status = request.form.get("status", "")
    return _change_step(
        _own_visit(visit_id), "teacher/_progress.html", STATUS_SAVED.get(status, ""), status=status
    )


@bp.post("/teacher/steps/<uuid:visit_id>/reflection")
@login_required
def reflect(visit_id):
    """Save, replace or remove the reflection; an empty one where there was none is no
    change, and says so (it said "Reflection cleared")."""
    visit = _own_visit(visit_id)
    reflection = request.form.get("reflection", "")
    had_one = bool(visit.action_step and visit.action_step.reflection)
    if not reflection.strip() and not had_one:
        return _after_change(visit, "teacher/_reflection.html", message=NOTHING_TO_SAVE)
    message = REFLECTION_SAVED if reflection.strip() else REFLECTION_REMOVED
    return _change_step(visit, "teacher/_reflection.html", message, reflection=reflection)


# The coach's side: the coach (or a lead) sets the status from the visit page.


@bp.post("/visits/<uuid:visit_id>/action-step/status")
@login_required
def set_status_as_coach(visit_id):
    """The same service as the teacher's buttons and the API: it decides who may."""
    visit = get_visit_or_404(current_user, visit_id)
    status = request.form.get("status", "")
    errors = _apply(visit, {"status": status})
    if errors:
        return render_template(
            "visits/_action_step.html",
            visit=visit,
            step=visit.action_step,
            message=" ".join(errors.get("status", [])),
        ), 422
    db.session.commit()
    if not is_htmx():
        return redirect(url_for("visits.show", visit_id=visit.id))
    message = f"Marked {STEP_STATUS_LABELS[status].lower()}. {visit.teacher.name} sees it too."
    return render_template(
        "visits/_action_step.html", visit=visit, step=visit.action_step, message=message
    )
