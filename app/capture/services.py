"""What the capture page carries with it, so a coach can work offline from a cold start:
the teachers they may write for, each teacher's current action step, and the library."""

from __future__ import annotations

from app.authz import usable_library_steps, writable_coachees
from app.limits import TEACHERS_LISTED
from app.localtime import local_date
from app.models import User
from app.steps.services import live_steps_by_teacher


def current_steps(user: User, teacher_ids: list[int]) -> dict[int, dict]:
    """Each teacher's live step, as page data: "keep practising" sends its id."""
    return {
        teacher_id: {
            "step_id": step.id,
            "visit_id": str(step.visits[-1].id) if step.visits else None,
            "text": step.text,
            "library_step_id": step.library_step_id,
            "category": step.library_step.category if step.library_step else None,
            "status": step.status,
            "acknowledged": step.acknowledged_at is not None,
            "set_on": local_date(step.set_at, step.school.timezone).isoformat(),
            "visits": len(step.visits),
        }
        for teacher_id, step in live_steps_by_teacher(user, teacher_ids).items()
    }


def library_for(school_ids: set[int]) -> list[dict]:
    """Live library steps offered for visits in these schools (trust-wide and their own)."""
    if not school_ids:
        return []
    return [
        {
            "id": step.id,
            "trust_id": step.trust_id,
            "school_id": step.school_id,
            "category": step.category,
            "title": step.title,
            "guidance": step.guidance,
            "practice_rehearse": step.practice_rehearse,
            "practice_success": step.practice_success,
        }
        for step in usable_library_steps(school_ids)
    ]


def capture_context(user: User, search: str = "") -> dict:
    """Everything the capture page embeds as JSON; with `search`, the teachers whose name
    or email matches (the page's search box asks for them when the list was capped)."""
    # Capped like /api/v1/me: a trust lead's page does not carry thousands of teachers.
    coachees = writable_coachees(user, limit=TEACHERS_LISTED + 1, search=search)
    more_teachers = len(coachees) > TEACHERS_LISTED
    coachees = coachees[:TEACHERS_LISTED]
    steps = current_steps(user, [c.teacher.id for c in coachees])
    teachers = [
        {
            "id": c.teacher.id,
            "name": c.teacher.name,
            "school": c.school.name,
            "school_id": c.school.id,
            "trust_id": c.school.trust_id,
            "coached_by_you": c.coached_by_user,
            "current_step": steps.get(c.teacher.id),
        }
        for c in coachees
    ]
    context = {
        "user_id": user.id,
        "teachers": teachers,
        "library": library_for({c.school.id for c in coachees}),
    }
    if more_teachers:  # only then: a coach's page stays as it was
        context["more_teachers"] = True
    return context
