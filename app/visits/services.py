"""Visits: the one write path every capture takes (online or offline), the action step's
progress, and the coach's timeline. Services flush; the route that calls them commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.authz import can_see_visit, may_edit_visit, may_use_library_step
from app.authz.queries import WriteTarget, write_target
from app.errors import Refused
from app.extensions import db
from app.idempotent import claim_photo_ids, insert_statement, release_photo_ids
from app.models import ActionStep, School, User, Visit, utcnow
from app.steps import services as steps
from app.visits import in_one_statement


@dataclass(frozen=True)
class SyncResult:
    visit: Visit
    created: bool
    #: Storage keys of photos the device no longer lists: delete the files after commit.
    dropped_photo_keys: tuple[str, ...] = ()
    #: may_read_reflection, when the permission query already answered it.
    reads_reflection: bool | None = None


# Sync: create or update one visit from a device's capture ------------------------------


def sync_visit(user: User, visit_id: uuid.UUID, capture: dict) -> SyncResult:
    """Create the visit (created=True) or apply a replay or an edit to it.

    `capture` is what VisitInSchema loaded; its action step either revisits the teacher's
    step ({"step_id"}: keep practising) or sets a new one ({"text", …}). A replay of the
    same capture changes nothing. An edit from the visit's own coach wins unless the
    device says it is older than the saved one (its `updated_at`). Anyone else changes
    nothing: 404, or 409 when they may see the visit.

    A new visit is inserted first, after one permission query: the id's uniqueness, not a
    look-up, tells it from a replay; its answer reuses what that query loaded.
    """
    try:
        target, refused = _write_target(user, visit_id, capture), None
    except Refused as error:  # a replay or an edit may still be allowed: decided below
        target, refused = None, error
    visit = _insert_visit(user, visit_id, target, capture) if target is not None else None
    if visit is not None:
        _check_photo_ids(visit_id, capture["photo_ids"], new_visit=True)
        _known_to_be(visit, user, target)
        step = visit.action_step
        if target.library_step is not None and step.library_step_id == target.library_step.id:
            set_committed_value(step, "library_step", target.library_step)
        return SyncResult(visit, created=True, reads_reflection=target.reads_reflection)
    # A replay or an edit (or a concurrent replay inserted it first: the database waited
    # for that request to commit).
    visit = _visit_for_update(visit_id)
    if visit is None:
        raise refused
    result = _apply_capture(user, visit, capture)
    if target is not None and target.teacher.id == visit.teacher_id:
        return replace(result, reads_reflection=target.reads_reflection)
    return result


def _insert_visit(user: User, visit_id: uuid.UUID, target: WriteTarget, capture: dict):
    """The new visit with its step, or None when the id is taken (a replay or an edit).
    On PostgreSQL one statement inserts both (app.visits.in_one_statement)."""
    row = _new_visit_row(user, visit_id, target.school, capture)
    choice = capture["action_step"]
    if db.session.get_bind().dialect.name == "postgresql":
        return in_one_statement.insert_visit(row, choice, target.revisited_step, utcnow())
    statement = insert_statement(Visit, row).on_conflict_do_nothing(index_elements=["id"])
    visit = db.session.scalars(statement.returning(Visit)).first()
    if visit is not None:
        steps.apply_step_choice(visit, choice, target.revisited_step)
    return visit


def _known_to_be(visit: Visit, user: User, target: WriteTarget) -> None:
    """Hand the new visit what the permission query loaded, so the answer reads none of
    it again (and nothing is marked changed)."""
    set_committed_value(visit, "school", target.school)
    set_committed_value(visit, "teacher", target.teacher)
    set_committed_value(visit, "coach", user)
    set_committed_value(visit, "photos", [])


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


def _check_photo_ids(visit_id: uuid.UUID, photo_ids: list | None, *, new_visit: bool) -> None:
    if claim_photo_ids(visit_id, photo_ids, new_visit=new_visit):
        message = "A photo id here is already another visit's: the app makes new ones."
        raise Refused(422, errors={"photo_ids": [message]})


NOT_IN_LIBRARY = {"action_step": {"library_step_id": ["Not a step in this school's library."]}}


def _write_target(user: User, visit_id: uuid.UUID, capture: dict) -> WriteTarget:
    """Where the new visit goes, checked in one query (app.authz.queries.write_target): the
    user may write for the teacher there, and a new step's library step comes from the
    school's library or its trust's (a retired one is still accepted: a capture made
    offline before it was retired must not be lost); a revisited step must be one of the
    teacher's."""
    choice = capture["action_step"]
    library_step_id = choice.get("library_step_id")
    target = write_target(user, capture["teacher_id"], library_step_id, new_visit_id=visit_id)
    if target is None:
        raise Refused(422, errors={"teacher_id": ["You cannot write a visit for this teacher."]})
    if library_step_id is not None and target.library_step is None:
        raise Refused(422, errors=NOT_IN_LIBRARY)
    revisited = steps.check_step_choice(capture["teacher_id"], choice)
    return replace(target, revisited_step=revisited)


def _check_step_choice(school: School, capture: dict) -> ActionStep | None:
    """The same checks for an edit, whose school is the visit's; the step it keeps
    practising, when it does."""
    choice = capture["action_step"]
    library_step_id = choice.get("library_step_id")
    if library_step_id is not None and not may_use_library_step(school, library_step_id):
        raise Refused(422, errors=NOT_IN_LIBRARY)
    return steps.check_step_choice(capture["teacher_id"], choice)


def _visit_columns(capture: dict) -> dict:
    columns = {
        "teacher_id": capture["teacher_id"],
        "started_at": capture["started_at"],
        "duration_minutes": capture["duration_minutes"],
        "class_name": capture["class_name"].strip(),
        "subject": capture["subject"].strip(),
        "notes": capture["notes"],
        "captured_offline": capture["captured_offline"],
    }
    if capture["photo_ids"] is not None:
        columns["expected_photo_ids"] = [str(photo_id) for photo_id in capture["photo_ids"]]
    return columns


def _new_visit_row(user: User, visit_id: uuid.UUID, school: School, capture: dict) -> dict:
    return {
        "expected_photo_ids": [],
        **_visit_columns(capture),
        "id": visit_id,
        "school_id": school.id,
        "coach_id": user.id,
        "client_created_at": capture["created_at"],
        "client_updated_at": capture["updated_at"],
    }


def _same_values(row, columns: dict) -> bool:
    return all(getattr(row, name) == value for name, value in columns.items())


def _same_step(visit: Visit, choice: dict) -> bool:
    step = visit.action_step
    if choice.get("step_id") is not None:
        return visit.action_step_id == choice["step_id"]
    return steps.sets_its_step(visit) and _same_values(
        step,
        {
            "text": choice["text"].strip(),
            "library_step_id": choice.get("library_step_id"),
            **steps.practice_plan_of(choice),
        },
    )


def _is_older_than_saved(visit: Visit, capture: dict) -> bool:
    sent, saved = capture["updated_at"], visit.client_updated_at
    return sent is not None and saved is not None and sent < saved


def _apply_capture(user: User, visit: Visit, capture: dict) -> SyncResult:
    if not may_edit_visit(user, visit):
        if can_see_visit(user, visit.id):
            raise Refused(409, "This visit was written by someone else.")
        raise Refused(404)
    visit_columns, choice = _visit_columns(capture), capture["action_step"]
    unchanged = _same_values(visit, visit_columns) and _same_step(visit, choice)
    if unchanged or _is_older_than_saved(visit, capture):
        return SyncResult(visit, created=False)
    if capture["teacher_id"] != visit.teacher_id:
        message = "A saved drop-in stays with its teacher: start a new drop-in instead."
        raise Refused(422, errors={"teacher_id": [message]})
    revisited = _check_step_choice(visit.school, capture)
    listed = visit_columns.get("expected_photo_ids")
    if listed is not None:
        _check_photo_ids(visit.id, listed, new_visit=False)
        release_photo_ids(visit.id, listed)
    for name, value in visit_columns.items():
        setattr(visit, name, value)
    _apply_step_edit(visit, choice, revisited)
    visit.client_updated_at = capture["updated_at"] or visit.client_updated_at
    visit.client_created_at = visit.client_created_at or capture["created_at"]
    dropped = _drop_unlisted_photos(visit, visit_columns.get("expected_photo_ids"))
    db.session.flush()
    return SyncResult(visit, created=False, dropped_photo_keys=dropped)


def _drop_unlisted_photos(visit: Visit, listed: list[str] | None) -> tuple[str, ...]:
    """A photo the coach removed on the phone (fixing a refused capture) leaves the server
    too: the visit's photos are exactly the device's final list. Nothing listed, nothing
    dropped (a device that does not list its photos)."""
    if listed is None:
        return ()
    keys: list[str] = []
    for photo in [photo for photo in visit.photos if str(photo.id) not in listed]:
        keys += [photo.storage_key, photo.thumbnail_key]
        db.session.delete(photo)
    db.session.flush()
    db.session.expire(visit, ["photos"])
    return tuple(key for key in keys if key)


def _apply_step_edit(visit: Visit, choice: dict, revisited: ActionStep | None) -> None:
    """An edit may fix the words of the step the visit set, or turn a "keep practising"
    into a new step; a step the visit set is not swapped for another one afterwards.
    `revisited`: the step the edit keeps practising, as _check_step_choice found it."""
    if _same_step(visit, choice):
        return
    if choice.get("step_id") is None and steps.sets_its_step(visit):
        steps.rewrite_step(visit.action_step, choice)
    elif choice.get("step_id") is None:
        steps.set_new_step(visit, choice)
    elif steps.sets_its_step(visit):
        message = "This drop-in set a new step: write that step, or start a new drop-in."
        raise Refused(409, message)
    else:
        steps.apply_step_choice(visit, choice, revisited)


# The action step's progress ------------------------------------------------------------


def update_action_step(user: User, visit: Visit, **change) -> ActionStep:
    """Change the step this visit set or revisited (see app.steps.services.change_step)."""
    if visit.action_step is None:
        raise Refused(404)
    return steps.change_step(user, visit.action_step, **change)


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
    user: User,
    before: str | None = None,
    page_size: int = TIMELINE_PAGE_SIZE,
    excluding: sa.ColumnElement[bool] | None = None,
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
    if excluding is not None:  # e.g. today's drop-ins, listed on their own
        query = query.join(School, School.id == Visit.school_id).where(sa.not_(excluding))
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
