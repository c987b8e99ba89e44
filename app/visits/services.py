"""Visits: the one write path every capture takes (online or offline), the action step's
progress, and the coach's timeline. Services flush; the route that calls them commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app import limits
from app.authz import (
    can_see_visit,
    may_acknowledge_or_reflect,
    may_edit_visit,
    may_set_step_status,
    may_use_library_step,
    school_for_new_visit,
    visible_visits_clause,
)
from app.authz_queries import WriteTarget, write_target
from app.errors import Refused
from app.extensions import db
from app.idempotent import insert_once
from app.models import STEP_STATUSES, ActionStep, School, User, Visit, utcnow


@dataclass(frozen=True)
class SyncResult:
    visit: Visit
    created: bool


# Sync: create or update one visit from a device's capture ------------------------------


def sync_visit(user: User, visit_id: uuid.UUID, capture: dict) -> SyncResult:
    """Create the visit (created=True) or apply a replay or an edit to it.

    `capture` is what VisitInSchema loaded. A replay of the same capture changes nothing.
    An edit from the visit's own coach wins unless the device says it is older than the
    saved one (its `updated_at`). Anyone else changes nothing: 404, or 409 when they may
    see the visit.

    A new visit costs one permission query and two inserts: the insert comes first (the
    id's uniqueness, not a look-up, tells a new visit from a replay) and the answer is
    made from the values just written, never read back.
    """
    step = capture["action_step"]
    target = write_target(user, capture["teacher_id"], step["library_step_id"])
    step_usable = target is not None and (
        step["library_step_id"] is None or target.library_step is not None
    )
    if step_usable:
        visit = _insert_new_visit(user, visit_id, target, capture)
        if visit is not None:
            return SyncResult(visit, created=True)
    # A replay or an edit (or a concurrent replay inserted it first: the database waited
    # for that request to commit).
    visit = _visit_for_update(visit_id)
    if visit is None:
        if target is None:
            raise Refused(422, errors=TEACHER_REFUSED)
        raise Refused(422, errors=LIBRARY_STEP_REFUSED)
    return SyncResult(_apply_capture(user, visit, capture), created=False)


TEACHER_REFUSED = {"teacher_id": ["You cannot write a visit for this teacher."]}
LIBRARY_STEP_REFUSED = {
    "action_step": {"library_step_id": ["Not a step in this school's library."]}
}


def _insert_new_visit(
    user: User, visit_id: uuid.UUID, target: WriteTarget, capture: dict
) -> Visit | None:
    """Insert the visit and its step; None when the id exists already. Core inserts, no
    ORM flush: on SQLite the write lock is held from the first insert to the commit, so
    the work in between is kept small."""
    now = utcnow()
    row = {**_new_visit_row(user, visit_id, target.school, capture)}
    row.update(created_at=now, updated_at=now)
    if not insert_once(Visit, row):
        return None
    step_columns = _step_columns(capture)
    step_id = db.session.scalar(
        sa.insert(ActionStep).values(visit_id=visit_id, **step_columns).returning(ActionStep.id)
    )
    return _as_written(user, target, row, step_id, step_columns)


def _as_written(user: User, target: WriteTarget, row: dict, step_id: int, step_columns: dict):
    """The visit as the database now holds it, for the answer: a detached copy made from
    the values just inserted (times in UTC, as they read back), never added to the
    session."""
    in_utc = {
        name: value.astimezone(UTC) if isinstance(value, datetime) else value
        for name, value in row.items()
    }
    visit = Visit(**in_utc)
    visit.school, visit.teacher, visit.coach = target.school, target.teacher, user
    visit.photos = []
    visit.action_step = ActionStep(
        id=step_id,
        visit_id=visit.id,
        status="new",
        reflection="",
        library_step=target.library_step,
        **step_columns,
    )
    return visit


def _visit_for_update(visit_id: uuid.UUID) -> Visit | None:
    """The visit, locked, with everything its answer shows, in one query."""
    return (
        db.session.execute(
            sa.select(Visit)
            .where(Visit.id == visit_id)
            .options(
                joinedload(Visit.action_step).joinedload(ActionStep.library_step),
                joinedload(Visit.school),
                joinedload(Visit.coach),
                joinedload(Visit.teacher),
                joinedload(Visit.photos),
            )
            .with_for_update(of=Visit)
            .execution_options(populate_existing=True)
        )
        .unique()
        .scalar_one_or_none()
    )


def _school_for(user: User, teacher_id: int) -> School:
    school = school_for_new_visit(user, teacher_id)
    if school is None:
        raise Refused(422, errors={"teacher_id": ["You cannot write a visit for this teacher."]})
    return school


def _check_library_step(school: School, library_step_id: int | None) -> None:
    """The step must come from the school's library or its trust's. A retired step is still
    accepted: a capture made offline before it was retired must not be lost."""
    if library_step_id is None:
        return
    if not may_use_library_step(school, library_step_id):
        message = "Not a step in this school's library."
        raise Refused(422, errors={"action_step": {"library_step_id": [message]}})


def _visit_columns(capture: dict) -> dict:
    return {
        "teacher_id": capture["teacher_id"],
        "started_at": capture["started_at"],
        "duration_minutes": capture["duration_minutes"],
        "class_name": capture["class_name"].strip(),
        "subject": capture["subject"].strip(),
        "notes": capture["notes"],
        "captured_offline": capture["captured_offline"],
        "expected_photo_ids": [str(photo_id) for photo_id in capture["photo_ids"]],
    }


def _step_columns(capture: dict) -> dict:
    step = capture["action_step"]
    return {"text": step["text"].strip(), "library_step_id": step["library_step_id"]}


def _new_visit_row(user: User, visit_id: uuid.UUID, school: School, capture: dict) -> dict:
    return {
        **_visit_columns(capture),
        "id": visit_id,
        "school_id": school.id,
        "coach_id": user.id,
        "client_created_at": capture["created_at"],
        "client_updated_at": capture["updated_at"],
    }


def _same_values(row, columns: dict) -> bool:
    return all(getattr(row, name) == value for name, value in columns.items())


def _is_older_than_saved(visit: Visit, capture: dict) -> bool:
    sent, saved = capture["updated_at"], visit.client_updated_at
    return sent is not None and saved is not None and sent < saved


def _apply_capture(user: User, visit: Visit, capture: dict) -> Visit:
    if not may_edit_visit(user, visit):
        if can_see_visit(user, visit.id):
            raise Refused(409, "This visit was written by someone else.")
        raise Refused(404)
    visit_columns, step_columns = _visit_columns(capture), _step_columns(capture)
    unchanged = _same_values(visit, visit_columns) and _same_values(visit.action_step, step_columns)
    if unchanged or _is_older_than_saved(visit, capture):
        return visit
    school = visit.school
    if capture["teacher_id"] != visit.teacher_id:
        school = _school_for(user, capture["teacher_id"])
        visit.school_id = school.id
    _check_library_step(school, step_columns["library_step_id"])
    for name, value in visit_columns.items():
        setattr(visit, name, value)
    for name, value in step_columns.items():
        setattr(visit.action_step, name, value)
    visit.client_updated_at = capture["updated_at"] or visit.client_updated_at
    visit.client_created_at = visit.client_created_at or capture["created_at"]
    db.session.flush()
    return visit


# The action step's progress ------------------------------------------------------------


def update_action_step(
    user: User,
    visit: Visit,
    *,
    status: str | None = None,
    acknowledged: bool | None = None,
    reflection: str | None = None,
) -> ActionStep:
    """The teacher acknowledges (once), reflects and marks progress; the coach (or anyone
    who may write visits for the teacher) sets the status only. Anyone else: 404.
    Idempotent: the same change twice leaves the same state and the same timestamps."""
    is_teacher = may_acknowledge_or_reflect(user, visit)
    if not may_set_step_status(user, visit):
        raise Refused(404)
    errors = _step_change_errors(is_teacher, status, acknowledged, reflection)
    if errors:
        raise Refused(422, errors=errors)

    step, now = visit.action_step, utcnow()
    if acknowledged and step.acknowledged_at is None:
        step.acknowledged_at = now
    if reflection is not None and reflection.strip() != step.reflection:
        step.reflection = reflection.strip()
        step.reflected_at = now if step.reflection else None
    if status is not None and status != step.status:
        step.status = status
        step.status_changed_at = now
    db.session.flush()
    return step


def _step_change_errors(is_teacher, status, acknowledged, reflection) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if status is not None and status not in STEP_STATUSES:
        errors["status"] = [f"Must be one of: {', '.join(STEP_STATUSES)}."]
    if acknowledged is not None:
        if not is_teacher:
            errors["acknowledged"] = ["Only the teacher can acknowledge their step."]
        elif acknowledged is not True:
            errors["acknowledged"] = ["An acknowledgement cannot be undone."]
    if reflection is not None:
        if not is_teacher:
            errors["reflection"] = ["Only the teacher can write their reflection."]
        elif len(reflection) > limits.REFLECTION:
            errors["reflection"] = [f"At most {limits.REFLECTION} characters."]
    return errors


# The coach's timeline ------------------------------------------------------------------

TIMELINE_PAGE_SIZE = 10


@dataclass(frozen=True)
class TimelinePage:
    visits: list[Visit]
    #: Pass as `before` to get the next (older) page; None on the last page.
    next_cursor: str | None


def _cursor_of(visit: Visit) -> str:
    return f"{visit.started_at.isoformat()}_{visit.id.hex}"


def _parse_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    started, _, visit_id = cursor.rpartition("_")
    try:
        started_at = datetime.fromisoformat(started)
        if started_at.tzinfo is None:
            raise ValueError("a cursor's time has its offset")
        return started_at.astimezone(UTC), uuid.UUID(visit_id)
    except (ValueError, OverflowError):
        raise Refused(400, "That page of drop-ins does not exist.") from None


def coach_timeline(
    user: User, before: str | None = None, page_size: int = TIMELINE_PAGE_SIZE
) -> TimelinePage:
    """The visits the user wrote, newest first, a page at a time. Keyset paging on
    (started_at, id), so a visit synced meanwhile never shifts or repeats a page."""
    query = (
        sa.select(Visit)
        .where(Visit.coach_id == user.id)
        .options(
            selectinload(Visit.teacher),
            selectinload(Visit.photos),
            selectinload(Visit.action_step).selectinload(ActionStep.library_step),
        )
        .order_by(Visit.started_at.desc(), Visit.id.desc())
        .limit(page_size + 1)
    )
    if before:
        started_at, visit_id = _parse_cursor(before)
        query = query.where(
            sa.or_(
                Visit.started_at < started_at,
                sa.and_(Visit.started_at == started_at, Visit.id < visit_id),
            )
        )
    visits = list(db.session.scalars(query))
    more = len(visits) > page_size
    visits = visits[:page_size]
    return TimelinePage(visits, _cursor_of(visits[-1]) if more else None)


def current_visits_by_teacher(viewer: User, teacher_ids: list[int]) -> dict[int, Visit]:
    """Each teacher's latest visit that `viewer` may see: its step is the current one."""
    if not teacher_ids:
        return {}
    newest_first = sa.func.row_number().over(
        partition_by=Visit.teacher_id, order_by=(Visit.started_at.desc(), Visit.created_at.desc())
    )
    ranked = (
        sa.select(Visit.id, newest_first.label("position"))
        .where(Visit.teacher_id.in_(teacher_ids), visible_visits_clause(viewer))
        .subquery()
    )
    visits = db.session.scalars(
        sa.select(Visit)
        .join(ranked, ranked.c.id == Visit.id)
        .where(ranked.c.position == 1)
        .options(selectinload(Visit.action_step), selectinload(Visit.school))
    )
    return {visit.teacher_id: visit for visit in visits}
