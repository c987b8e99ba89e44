"""What the capture page carries with it, so a coach can work offline from a cold start:
the teachers they may write for, each teacher's current action step, and the library."""

from __future__ import annotations

import sqlalchemy as sa

from app.authz import writable_coachees
from app.extensions import db
from app.models import ActionStep, LibraryStep, User, Visit


def current_steps(teacher_ids: list[int]) -> dict[int, dict]:
    """Each teacher's live step: the action step of their latest visit."""
    if not teacher_ids:
        return {}
    rows = db.session.execute(
        sa.select(Visit.teacher_id, Visit.id, Visit.started_at, ActionStep)
        .join(ActionStep, ActionStep.visit_id == Visit.id)
        .where(Visit.teacher_id.in_(teacher_ids))
        .order_by(Visit.teacher_id, Visit.started_at.desc())
    ).all()
    steps: dict[int, dict] = {}
    for teacher_id, visit_id, started_at, step in rows:
        steps.setdefault(
            teacher_id,
            {
                "visit_id": str(visit_id),
                "text": step.text,
                "status": step.status,
                "acknowledged": step.acknowledged_at is not None,
                "set_on": started_at.date().isoformat(),
            },
        )
    return steps


def library_for(trust_ids: set[int]) -> list[dict]:
    """Live library steps of these trusts (trust-wide and per school)."""
    if not trust_ids:
        return []
    steps = db.session.scalars(
        sa.select(LibraryStep)
        .where(LibraryStep.trust_id.in_(trust_ids), LibraryStep.retired_at.is_(None))
        .order_by(LibraryStep.category, LibraryStep.title)
    ).all()
    return [
        {
            "id": step.id,
            "trust_id": step.trust_id,
            "school_id": step.school_id,
            "category": step.category,
            "title": step.title,
            "guidance": step.guidance,
        }
        for step in steps
    ]


def capture_context(user: User) -> dict:
    """Everything the capture page embeds as JSON."""
    coachees = writable_coachees(user)
    steps = current_steps([c.teacher.id for c in coachees])
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
    return {
        "user_id": user.id,
        "teachers": teachers,
        "library": library_for({c.school.trust_id for c in coachees}),
    }
