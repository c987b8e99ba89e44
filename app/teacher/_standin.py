"""TEMPORARY stand-in for app.visits.services.update_action_step (branch api), so the
teacher's pages can be built before it lands. Deleted when api is merged."""

from __future__ import annotations

from app.authz import school_for_new_visit
from app.models import STEP_STATUSES, User, Visit, utcnow

REFLECTION_MAX_LENGTH = 1000


class ActionStepError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class NotAllowed(LookupError):
    pass


def update_action_step(user: User, visit: Visit, status=None, acknowledged=None, reflection=None):
    step = visit.action_step
    is_teacher = visit.teacher_id == user.id
    if not is_teacher:
        if school_for_new_visit(user, visit.teacher_id) is None:
            raise NotAllowed()
        if acknowledged is not None or reflection is not None:
            raise NotAllowed()
    errors = {}
    if status is not None and status not in STEP_STATUSES:
        errors["status"] = ["Choose new, practising or embedded."]
    if reflection is not None:
        reflection = reflection.strip()
        if not reflection:
            errors["reflection"] = ["Write a sentence or two about what you tried."]
        elif len(reflection) > REFLECTION_MAX_LENGTH:
            errors["reflection"] = [f"Keep it to {REFLECTION_MAX_LENGTH:,} characters or fewer "
                                    f"(this is {len(reflection)})."]
    if errors:
        raise ActionStepError(errors)
    now = utcnow()
    if acknowledged and step.acknowledged_at is None:
        step.acknowledged_at = now
    if reflection is not None:
        step.reflection = reflection
        step.reflected_at = now
    if status is not None and status != step.status:
        step.status = status
        step.status_changed_at = now
    return step
