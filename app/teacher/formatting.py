"""Status words as teachers and coaches read them on the step pages."""

from __future__ import annotations

from app.localtime import school_day as _school_day
from app.models import STEP_STATUSES

#: What each status means, in the teacher's words.
STATUS_LABELS = {
    "new": "New",
    "practising": "Practising",
    "embedded": "Embedded",
    "replaced": "Replaced",
}
STATUS_HINTS = {
    "new": "Just set: read it and try it in a lesson.",
    "practising": "You are trying it out in lessons.",
    "embedded": "It is part of how you teach now: your coach saw it at a later drop-in.",
    "replaced": "Your coach set a new step after this one.",
}
#: The track a live step moves along; "replaced" is a way off it, not a stage.
TRACK = ("new", "practising", "embedded")


def school_day(moment, school, with_weekday: bool = True) -> str:
    return _school_day(moment, school.timezone, with_weekday)


def step_visits_summary(step, visit=None) -> str:
    """ "Set 7 September · revisited 14 September, 21 September · replaced 28 September"."""
    school = step.school
    parts = [f"Set {school_day(step.set_at, school, False)}"]
    if step.revisits:
        days = ", ".join(school_day(v.started_at, school, False) for v in step.revisits)
        parts.append(f"revisited {days}")
    if step.closed_at and step.status in ("embedded", "replaced"):
        parts.append(
            f"{STATUS_LABELS[step.status].lower()} {school_day(step.closed_at, school, False)}"
        )
    if visit is not None and step.visits and visit is not step.visits[0]:
        parts.append("this drop-in kept it going")
    return " · ".join(parts)


def coach_status_choices(user, step) -> list[str]:
    """The statuses the coach may move this step to now; none for the teacher (their own
    buttons), for leads, or for a closed step (except a late "embedded" on a replaced one)."""
    from app.authz import may_change_step

    if user.id == step.teacher_id or not may_change_step(user, step):
        return []
    if step.status == "replaced":
        return ["embedded"]
    if not step.is_live:
        return []
    revisited = len(step.visits) >= 2
    return [
        s for s in ("practising", "embedded") if s != step.status and (s != "embedded" or revisited)
    ]


def register(bp) -> None:
    from app.teacher.services import OWN_WORDS, OWN_WORDS_LABEL, category_of

    bp.add_app_template_global(category_of, "step_category")
    bp.add_app_template_global(OWN_WORDS, "OWN_WORDS")
    bp.add_app_template_global(OWN_WORDS_LABEL, "OWN_WORDS_LABEL")
    bp.add_app_template_global(STEP_STATUSES, "STEP_STATUSES")
    bp.add_app_template_global(STATUS_LABELS, "STEP_STATUS_LABELS")
    bp.add_app_template_global(STATUS_HINTS, "STEP_STATUS_HINTS")
    bp.add_app_template_global(TRACK, "STEP_TRACK")
    bp.add_app_template_global(step_visits_summary, "step_visits_summary")
    bp.add_app_template_global(coach_status_choices, "coach_status_choices")
    from app.authz import may_read_reflection

    bp.add_app_template_global(may_read_reflection, "may_read_reflection")
