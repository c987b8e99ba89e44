"""TEMPORARY stand-in for app.visits.services.update_action_step (branch api), with the
same signature and errors, so the teacher's pages can be built before it lands. Deleted
when api is merged."""

from __future__ import annotations

from app.authz import school_for_new_visit
from app.models import STEP_STATUSES, User, Visit, utcnow

REFLECTION_MAX_LENGTH = 2000


class Refused(Exception):
    def __init__(self, status: int, message: str | None = None, errors: dict | None = None):
        super().__init__(message or str(status))
        self.status = status
        self.message = message
        self.errors = errors


def update_action_step(user: User, visit: Visit, *, status=None, acknowledged=None,
                       reflection=None):
    step = visit.action_step
    is_teacher = visit.teacher_id == user.id
    if not is_teacher and user.id != visit.coach_id and school_for_new_visit(
            user, visit.teacher_id) is None:
        raise Refused(404)
    errors = {}
    if status is not None and status not in STEP_STATUSES:
        errors["status"] = [f"Must be one of: {', '.join(STEP_STATUSES)}."]
    if reflection is not None and len(reflection) > REFLECTION_MAX_LENGTH:
        errors["reflection"] = [f"At most {REFLECTION_MAX_LENGTH} characters."]
    if errors:
        raise Refused(422, errors=errors)
    now = utcnow()
    if acknowledged and step.acknowledged_at is None:
        step.acknowledged_at = now
    if reflection is not None and reflection.strip() != step.reflection:
        step.reflection = reflection.strip()
        step.reflected_at = now if step.reflection else None
    if status is not None and status != step.status:
        step.status = status
        step.status_changed_at = now
    return step
