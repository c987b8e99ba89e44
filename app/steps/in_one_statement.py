"""Setting a new step on PostgreSQL in one statement: find the teacher's live step, close
it (embedded when the coach said so, otherwise replaced), re-close a replaced step the
coach judged embedded, insert the new step and point the visit at it. The same rules as
app.steps.services.set_new_step (SQLite's path); the caller holds the teacher's row lock,
so the statement's snapshot already sees every step set before it. A new visit and its
new step are one statement too (app.visits.in_one_statement, with step_ctes).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.idempotent import as_loaded
from app.models import LIVE_STEP_WHERE, ActionStep, Visit

#: What only the database knows of the new step: the rest is in hand (set_new_step).
#: Named, not `*`: a database made by the migrations holds the columns in another order
#: than the model, and the result is read by position.
RETURNED_COLUMNS = ("id", "status", "closed_at", "practice_rehearse", "practice_success")
RETURNED = ", ".join(RETURNED_COLUMNS)

#: The new step's id, taken before the insert (a new visit points at it in the same statement).
NEXT_STEP_ID = "nextval(pg_get_serial_sequence('action_step', 'id'))"


def step_ctes(guard: str = "", step_id: str = NEXT_STEP_ID) -> str:
    """The WITH queries that close the teacher's live step and insert the new one (named
    `step`, returning RETURNED). `guard`, when given, names a query (`FROM` item) whose
    one row lets them run: without its row nothing changes (a new visit that was not
    inserted after all). The insert reads the count of closed rows, so the old step is
    closed before the partial unique index (one live step per teacher) sees the new one."""
    also_from = f", {guard}" if guard else ""
    return f"""previous AS (
    SELECT id, set_at FROM action_step
    WHERE teacher_id = :teacher_id AND {LIVE_STEP_WHERE}
), closed AS (
    UPDATE action_step SET
        status = CASE WHEN action_step.id = :judged_id THEN 'embedded' ELSE 'replaced' END,
        status_changed_at = :now, closed_at = :started_at
    FROM previous{also_from}
    WHERE action_step.id = previous.id AND previous.set_at <= :started_at
    RETURNING action_step.id
), rejudged AS (
    UPDATE action_step SET
        status = 'embedded', status_changed_at = :now,
        closed_at = COALESCE(action_step.closed_at, :started_at)
    {"FROM " + guard if guard else ""}
    WHERE action_step.id = :judged_id AND action_step.teacher_id = :teacher_id
        AND action_step.status = 'replaced'
    RETURNING action_step.id
), step AS (
    INSERT INTO action_step
        (id, teacher_id, school_id, text, library_step_id, practice_rehearse,
         practice_success, status, reflection, set_at, closed_at, created_at)
    SELECT {step_id}, :teacher_id, :school_id, :text, :library_step_id,
        COALESCE(:rehearse, library.practice_rehearse, ''),
        COALESCE(:success, library.practice_success, ''),
        CASE WHEN previous.set_at > :started_at THEN 'replaced' ELSE 'new' END,
        '', :started_at,
        CASE WHEN previous.set_at > :started_at THEN previous.set_at END, :now
    FROM (SELECT count(*) AS closing FROM closed) AS after_closing{also_from}
    LEFT JOIN previous ON true
    LEFT JOIN library_step AS library ON library.id = :library_step_id
    RETURNING {RETURNED}
)"""  # noqa: S608 (LIVE_STEP_WHERE is a constant of app.models; the rest are ours)


_SET_NEW_STEP = f"""
WITH {step_ctes()}, pointed AS (
    UPDATE visit SET action_step_id = step.id, updated_at = :now
    FROM step WHERE visit.id = :visit_id
    RETURNING visit.id
)
SELECT {RETURNED} FROM step, (SELECT count(*) AS pointing FROM pointed) AS after_pointing
"""  # noqa: S608

_MOMENT = sa.DateTime(timezone=True)

#: The parameters of step_ctes' queries (step_params gives their values).
STEP_PARAMS = (
    sa.bindparam("teacher_id", type_=sa.Integer),
    sa.bindparam("school_id", type_=sa.Integer),
    sa.bindparam("text", type_=sa.String),
    sa.bindparam("library_step_id", type_=sa.Integer),
    sa.bindparam("rehearse", type_=sa.String),
    sa.bindparam("success", type_=sa.String),
    sa.bindparam("judged_id", type_=sa.Integer),
    sa.bindparam("started_at", type_=_MOMENT),
    sa.bindparam("now", type_=_MOMENT),
)


def returning_step(statement: str, *params: sa.BindParameter) -> sa.TextualSelect:
    """A statement ending in `SELECT RETURNED FROM step`, with its parameters bound."""
    returned = (ActionStep.__table__.c[name] for name in RETURNED_COLUMNS)
    return sa.text(statement).bindparams(*STEP_PARAMS, *params).columns(*returned)


@cache
def _statement() -> sa.TextualSelect:
    """Built once with bound parameters: building it costs more than running it."""
    return returning_step(_SET_NEW_STEP, sa.bindparam("visit_id", type_=sa.Uuid))


def step_params(
    teacher_id: int, school_id: int, started_at: datetime, choice: dict, now: datetime
) -> dict:
    return {
        "teacher_id": teacher_id,
        "school_id": school_id,
        "text": choice["text"].strip(),
        "library_step_id": choice.get("library_step_id"),
        **_plan_as_sent(choice),
        "judged_id": choice.get("embedded_step_id"),
        "started_at": started_at,
        "now": now,
    }


def set_new_step(visit: Visit, choice: dict, now: datetime) -> ActionStep:
    params = step_params(visit.teacher_id, visit.school_id, visit.started_at, choice, now)
    returned = db.session.execute(_statement(), {**params, "visit_id": visit.id}).one()
    return give_visit_its_step(visit, returned, params)


def give_visit_its_step(visit: Visit, returned: sa.Row, params: dict) -> ActionStep:
    """The step step_ctes inserted (`returned`, made from `params`), as though loaded, and
    the visit pointing at it: the answer reads neither again."""
    step = as_loaded(
        ActionStep,
        {
            **returned._asdict(),
            "teacher_id": params["teacher_id"],
            "school_id": params["school_id"],
            "text": params["text"],
            "library_step_id": params["library_step_id"],
            "status_changed_at": None,
            "acknowledged_at": None,
            "reflection": "",
            "reflected_at": None,
            "set_at": params["started_at"].astimezone(UTC),  # as UTCDateTime reads it back
            "created_at": params["now"],
        },
    )
    _expire_other_steps(params["teacher_id"], step)
    set_committed_value(step, "visits", [visit])
    set_committed_value(visit, "action_step_id", step.id)
    set_committed_value(visit, "action_step", step)
    set_committed_value(visit, "updated_at", params["now"])
    return step


def _plan_as_sent(choice: dict) -> dict[str, str | None]:
    """The coach's plan, or NULLs so the statement takes the library step's (a capture
    from before plans, or none adjusted): app.steps.services.practice_plan_of's rule."""
    plan = choice.get("practice_plan")
    if plan is None:
        return {"rehearse": None, "success": None}
    return {
        "rehearse": plan.get("rehearse", "").strip(),
        "success": plan.get("success", "").strip(),
    }


def _expire_other_steps(teacher_id: int, step: ActionStep) -> None:
    """Steps of this teacher already loaded may have just been closed in the database."""
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, ActionStep) and loaded.teacher_id == teacher_id:
            if loaded is not step:
                db.session.expire(loaded)
