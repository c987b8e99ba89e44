"""The action step's life: set on one visit, revisited by later ones, closed as embedded
(the coach's judgement after a later drop-in) or as replaced when another step is set.
A teacher has at most one live step; the database's partial unique index is the guard,
and the teacher's row is locked while a step is set so two devices never race.

Services flush; the route or API endpoint that calls them commits.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import limits
from app.authz import (
    may_change_step,
    may_join_conversation,
    may_see_step,
    visible_visits_clause,
)
from app.errors import Refused
from app.extensions import db
from app.idempotent import insert_once
from app.models import (
    LIVE_STEP_STATUSES,
    ActionStep,
    LibraryStep,
    StepComment,
    User,
    Visit,
    utcnow,
)
from app.steps import in_one_statement

#: What a teacher may set their own step to; "embedded" is the coach's call.
TEACHER_STATUSES = ("new", "practising")
#: What the teacher's coach may set; "replaced" only ever comes from setting a new step.
COACH_STATUSES = ("new", "practising", "embedded")


def _step_error(field: str, message: str) -> Refused:
    return Refused(422, errors={"action_step": {field: [message]}})


def live_step(teacher_id: int) -> ActionStep | None:
    return db.session.scalar(
        sa.select(ActionStep).where(
            ActionStep.teacher_id == teacher_id, ActionStep.status.in_(LIVE_STEP_STATUSES)
        )
    )


def live_steps_by_teacher(viewer: User, teacher_ids: list[int]) -> dict[int, ActionStep]:
    """Each teacher's live step, where `viewer` may see it (one query, visits loaded)."""
    if not teacher_ids:
        return {}
    visible = sa.select(Visit.action_step_id).where(
        Visit.teacher_id.in_(teacher_ids), visible_visits_clause(viewer)
    )
    live = db.session.scalars(
        sa.select(ActionStep)
        .where(
            ActionStep.teacher_id.in_(teacher_ids),
            ActionStep.is_live_clause(),
            ActionStep.id.in_(visible),
        )
        .options(
            selectinload(ActionStep.visits),
            selectinload(ActionStep.library_step),
            selectinload(ActionStep.school),
        )
    )
    return {step.teacher_id: step for step in live}


def teachers_step(teacher_id: int, step_id: int | None) -> ActionStep | None:
    if step_id is None:
        return None
    return db.session.scalar(
        sa.select(ActionStep).where(ActionStep.id == step_id, ActionStep.teacher_id == teacher_id)
    )


def check_step_choice(teacher_id: int, choice: dict) -> ActionStep | None:
    """Refuse (422) a step id that is not one of this teacher's steps, before any write.
    The step the visit keeps practising, when it does."""
    revisited = teachers_step(teacher_id, choice.get("step_id"))
    if choice.get("step_id") is not None and revisited is None:
        raise _step_error("step_id", "Not this teacher's step: keep their current step or set one.")
    embedded = choice.get("embedded_step_id")
    if embedded is not None and teachers_step(teacher_id, embedded) is None:
        raise _step_error("embedded_step_id", "Not this teacher's step.")
    return revisited


def _lock_teacher(teacher_id: int) -> None:
    """Serialise step changes per teacher (PostgreSQL; SQLite has one writer anyway). NO KEY
    UPDATE: the visit just inserted holds a KEY SHARE lock on the same row through its
    foreign key, and a plain FOR UPDATE from two requests would deadlock on it."""
    db.session.execute(
        sa.select(User.id).where(User.id == teacher_id).with_for_update(key_share=True)
    )


def apply_step_choice(visit: Visit, choice: dict, revisited: ActionStep | None) -> ActionStep:
    """Give the visit its one step: `revisited`, the teacher's step it keeps practising
    (as check_step_choice found it), or a new one from `choice` ({"text", …})."""
    if revisited is not None:
        visit.action_step = revisited
        db.session.flush()
        return revisited
    return set_new_step(visit, choice)


def set_new_step(visit: Visit, choice: dict) -> ActionStep:
    """A new step for the visit's teacher. Their live step closes: embedded when the coach
    said so on this visit (`embedded_step_id`), otherwise replaced, on the visit's date. A
    visit that started before the live step was set (synced late) does not close it: its
    step goes straight into the history as replaced. On PostgreSQL one statement does it
    (app.steps.in_one_statement), after the teacher's row lock."""
    _lock_teacher(visit.teacher_id)
    if db.session.get_bind().dialect.name == "postgresql":
        return in_one_statement.set_new_step(visit, choice, utcnow())
    previous = live_step(visit.teacher_id)
    judged = teachers_step(visit.teacher_id, choice.get("embedded_step_id"))
    status, closed_at = "new", None
    if previous is not None and visit.started_at < previous.set_at:
        status, closed_at = "replaced", previous.set_at
    elif previous is not None:
        _close(previous, "embedded" if previous is judged else "replaced", visit.started_at)
    if judged is not None and judged is not previous and judged.status == "replaced":
        _close(judged, "embedded", judged.closed_at or visit.started_at)
    db.session.flush()  # the old step is closed before the index sees the new one
    step = ActionStep(
        teacher_id=visit.teacher_id,
        school_id=visit.school_id,
        text=choice["text"].strip(),
        library_step_id=choice.get("library_step_id"),
        status=status,
        closed_at=closed_at,
        set_at=visit.started_at,
        **practice_plan_of(choice),
    )
    db.session.add(step)
    visit.action_step = step
    db.session.flush()
    return step


def _close(step: ActionStep, status: str, at: datetime) -> None:
    step.status = status
    step.status_changed_at = utcnow()
    step.closed_at = at


def practice_plan_of(choice: dict) -> dict[str, str]:
    """The new step's practice plan: as the coach sent it, else (a capture from before
    plans, or none adjusted) its library step's; a step written fresh starts with none."""
    plan = choice.get("practice_plan")
    if plan is None and choice.get("library_step_id") is not None:
        library_step = db.session.get(LibraryStep, choice["library_step_id"])
        if library_step is not None:
            plan = {
                "rehearse": library_step.practice_rehearse,
                "success": library_step.practice_success,
            }
    plan = plan or {}
    return {
        "practice_rehearse": plan.get("rehearse", "").strip(),
        "practice_success": plan.get("success", "").strip(),
    }


def rewrite_step(step: ActionStep, choice: dict) -> None:
    """The coach fixes the words of a step their visit set (an edit of the capture)."""
    step.text = choice["text"].strip()
    step.library_step_id = choice.get("library_step_id")
    for name, value in practice_plan_of(choice).items():
        setattr(step, name, value)
    db.session.flush()


def sets_its_step(visit: Visit) -> bool:
    step = visit.action_step
    return step is not None and step.visits[0] is visit


# Progress: acknowledgement, reflection, status -----------------------------------------


def change_step(
    user: User,
    step: ActionStep,
    *,
    status: str | None = None,
    acknowledged: bool | None = None,
    reflection: str | None = None,
) -> ActionStep:
    """The teacher acknowledges (once), reflects and says they are practising; their coach
    moves the status on and, after a later drop-in, judges it embedded. Nobody else changes
    a step: 404 for those who may not see it, 403 for those who may (leads).
    Idempotent: the same change twice leaves the same state and the same timestamps."""
    if not may_change_step(user, step):
        if may_see_step(user, step):
            raise Refused(403, "Only the teacher and their coach change a step.")
        raise Refused(404)
    is_teacher = step.teacher_id == user.id
    errors = _change_errors(is_teacher, step, status, acknowledged, reflection)
    if errors:
        raise Refused(422, errors=errors)
    now = utcnow()
    if acknowledged and step.acknowledged_at is None:
        step.acknowledged_at = now
    if reflection is not None and reflection.strip() != step.reflection:
        step.reflection = reflection.strip()
        step.reflected_at = now if step.reflection else None
    if status is not None and not _merge_old_keep_practising(user, step, status, now):
        _move_status(step, status, now)
    db.session.flush()
    return step


def _merge_old_keep_practising(user: User, step: ActionStep, status: str, now) -> bool:
    """The previous version of the capture page said "keep practising" by sending the same
    words as a new step, then "practising" for the step before it. Queued on a phone over
    the upgrade, that pair arrives here: the copy becomes a revisit of the original again
    (True), so the teacher keeps one step, its acknowledgement and reflection."""
    if status != "practising" or step.status != "replaced" or user.id == step.teacher_id:
        return False
    copy = live_step(step.teacher_id)
    if copy is None or len(copy.visits) != 1 or copy.text != step.text:
        return False
    visit = copy.visits[0]
    untouched = not (copy.acknowledged_at or copy.reflection or copy.comments)
    if visit.coach_id != user.id or visit.started_at != step.closed_at or not untouched:
        return False
    visit.action_step = step
    db.session.flush()
    db.session.delete(copy)
    db.session.flush()  # the copy is gone before the original is live again
    step.status, step.status_changed_at, step.closed_at = status, now, None
    return True


def _move_status(step: ActionStep, status: str, now: datetime) -> None:
    if status == step.status:
        return
    if step.status == "replaced" and status == "embedded":
        step.status, step.status_changed_at = status, now  # a verdict that arrived late
    elif step.is_live:
        step.status, step.status_changed_at = status, now
        step.closed_at = now if status == "embedded" else None
    # A closed step stays closed: a "practising" sent by a phone before it was closed is
    # kept (answered 200) and changes nothing.


def _change_errors(is_teacher, step, status, acknowledged, reflection) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if status is not None:
        errors.update(_status_errors(is_teacher, step, status))
    if acknowledged is not None:
        if not is_teacher:
            errors["acknowledged"] = ["Only the teacher can acknowledge their step."]
        elif acknowledged is not True:
            errors["acknowledged"] = ["An acknowledgement cannot be undone."]
    if reflection is not None:
        if not is_teacher:
            errors["reflection"] = ["Only the teacher can write their reflection."]
        elif len(reflection) > limits.REFLECTION:
            errors["reflection"] = [
                f"Shorten your reflection to {limits.REFLECTION:,} characters or fewer."
            ]
    return errors


def _status_errors(is_teacher, step, status) -> dict[str, list[str]]:
    allowed = TEACHER_STATUSES if is_teacher else COACH_STATUSES
    if status == "embedded" and is_teacher:
        return {"status": ["Embedded is your coach's judgement, after a later drop-in."]}
    if status not in allowed:
        return {"status": [f"Must be one of: {', '.join(allowed)}."]}
    if status == "embedded" and step.is_live and len(step.visits) < 2:
        return {"status": ["Embedded only after a later drop-in has seen it practised."]}
    return {}


# The conversation on a step -------------------------------------------------------------


def add_comment(
    user: User,
    step: ActionStep,
    comment_id: uuid.UUID,
    body: str,
    client_created_at: datetime | None = None,
) -> tuple[StepComment, bool]:
    """One comment by the teacher or their coach; (comment, created). The id is made on
    the device, so the same comment sent twice is kept once; other words under the same
    id, or another author, is a conflict (409)."""
    if not may_join_conversation(user, step):
        raise Refused(404)
    body = body.strip()
    if not body:
        raise Refused(422, errors={"body": ["Write a comment."]})
    created = insert_once(
        StepComment,
        {
            "id": comment_id,
            "step_id": step.id,
            "author_id": user.id,
            "body": body,
            "created_at": utcnow(),
            "client_created_at": client_created_at,
        },
    )
    comment = db.session.get(StepComment, comment_id, populate_existing=True)
    if comment.author_id != user.id or comment.step_id != step.id or comment.body != body:
        raise Refused(409, "Another comment was saved under this id.")
    return comment, created
