"""A new visit on PostgreSQL in one statement: INSERT … ON CONFLICT (id) DO NOTHING, with
the visit's step. A new step is set by the same statement (app.steps.in_one_statement's
queries, run only when the visit was inserted: a replay changes nothing); a revisited step
is the visit's from the start. The caller holds the teacher's row lock (write_target took
it), so the statement sees every step set before it.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.idempotent import as_loaded
from app.models import ActionStep, Visit
from app.steps import in_one_statement as steps_statement

#: Every column of a new visit's row (app.visits.services makes it from the capture; a
#: capture without photo_ids keeps the default []), then what the database sets.
NEW_VISIT_COLUMNS = (
    *("expected_photo_ids", "teacher_id", "started_at", "duration_minutes", "class_name"),
    *("subject", "notes", "captured_offline", "id", "school_id", "coach_id"),
    *("client_created_at", "client_updated_at"),
)
#: The step's parameters that the visit's row shares (the same values).
_SHARED = ("teacher_id", "school_id", "started_at")


def insert_visit(
    row: dict, choice: dict, revisited: ActionStep | None, now: datetime
) -> Visit | None:
    """The new visit, its step loaded, or None when the id is taken (a replay or an edit).
    `revisited`: the teacher's step the visit keeps practising (`choice` sets one if None)."""
    if revisited is not None:
        return _insert_revisiting(row, revisited, now)
    return _insert_with_new_step(row, choice, now)


def _insert_revisiting(row: dict, revisited: ActionStep, now: datetime) -> Visit | None:
    values = {**row, "action_step_id": revisited.id}
    if db.session.execute(_revisiting(), {**values, "now": now}).first() is None:
        return None
    visit = as_loaded(Visit, {**values, "created_at": now, "updated_at": now})
    set_committed_value(visit, "action_step", revisited)
    db.session.expire(revisited, ["visits"])  # the new visit is one of them now
    return visit


def _insert_with_new_step(row: dict, choice: dict, now: datetime) -> Visit | None:
    step = steps_statement.step_params(
        row["teacher_id"], row["school_id"], row["started_at"], choice, now
    )
    params = {**row, **step}
    returned = db.session.execute(_with_new_step(), params).first()
    if returned is None:
        return None
    times = {"created_at": now, "updated_at": now}
    visit = as_loaded(Visit, {**row, **times, "action_step_id": returned.id})
    steps_statement.give_visit_its_step(visit, returned, params)
    return visit


def _visit_params() -> list[sa.BindParameter]:
    columns = Visit.__table__.columns
    return [
        sa.bindparam(name, type_=columns[name].type)
        for name in NEW_VISIT_COLUMNS
        if name not in _SHARED
    ]


def _visit_values() -> str:
    return ", ".join(f":{name}" for name in NEW_VISIT_COLUMNS)


@cache
def _with_new_step() -> sa.TextualSelect:
    """Built once with bound parameters: building it costs more than running it."""
    ctes = steps_statement.step_ctes(guard="new_visit", step_id="new_visit.action_step_id")
    statement = f"""
WITH new_visit AS (
    INSERT INTO visit ({", ".join(NEW_VISIT_COLUMNS)}, created_at, updated_at, action_step_id)
    VALUES ({_visit_values()}, :now, :now, {steps_statement.NEXT_STEP_ID})
    ON CONFLICT (id) DO NOTHING
    RETURNING action_step_id
), {ctes}
SELECT {steps_statement.RETURNED} FROM step
"""  # noqa: S608 (column names and queries of our own)
    return steps_statement.returning_step(statement, *_visit_params())


@cache
def _revisiting() -> sa.Insert:
    """A new visit that keeps practising its teacher's step (checked before: the caller's
    check_step_choice). Built once; a Core INSERT (the ORM's, given a row, takes its bulk
    path, which costs more than the rest of the request); it returns only the id: the rest
    is in hand."""
    columns = Visit.__table__.columns
    names = (*NEW_VISIT_COLUMNS, "action_step_id")
    values = {name: sa.bindparam(name, type_=columns[name].type) for name in names}
    now = sa.bindparam("now", type_=columns["created_at"].type)
    return (
        postgresql.insert(Visit.__table__)
        .values({**values, "created_at": now, "updated_at": now})
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(Visit.__table__.c.id)
    )
