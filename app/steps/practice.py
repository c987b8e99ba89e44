"""Deliberate practice with each step: the practice log. The teacher, or their coach,
notes each time the step was rehearsed or tried in class, from the tablet or the phone,
online or through the outbox (the entry's id is made on the device).

Services flush; the route or API endpoint that calls them commits.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.authz import may_keep_practice_log
from app.errors import Refused
from app.extensions import db
from app.idempotent import insert_once
from app.localtime import local_date, local_today
from app.models import ActionStep, User, utcnow
from app.steps.models import PRACTICE_KINDS, PracticeEntry

#: What each kind reads as on the pages.
KIND_LABELS = {"rehearsal": "Rehearsed", "lesson": "Tried it in class"}
#: A device a little ahead of the school's calendar (a time zone, a clock) is not refused.
DATE_LEEWAY = timedelta(days=1)


def practised_on_problem(step: ActionStep, practised_on: date) -> str:
    """Why this day cannot be logged for this step ("" when it can)."""
    set_on = local_date(step.set_at, step.school.timezone)
    if practised_on < set_on:
        return f"Choose a day on or after the step was set ({set_on:%-d %B %Y})."
    if practised_on > local_today(step.school.timezone) + DATE_LEEWAY:
        return "Choose today or an earlier day: practice is logged after it happens."
    return ""


def log_practice(
    user: User,
    step: ActionStep,
    entry_id: uuid.UUID,
    *,
    kind: str,
    practised_on: date,
    note: str = "",
    client_created_at: datetime | None = None,
) -> tuple[PracticeEntry, bool]:
    """One practice entry by the teacher or their current coach; (entry, created). The
    same entry sent twice is kept once; another entry under the same id is a conflict
    (409). Anyone else: 404."""
    if not may_keep_practice_log(user, step):
        raise Refused(404)
    errors = _entry_errors(step, kind, practised_on)
    if errors:
        raise Refused(422, errors=errors)
    values = {"kind": kind, "practised_on": practised_on, "note": note.strip()}
    created = insert_once(
        PracticeEntry,
        {
            "id": entry_id,
            "step_id": step.id,
            "author_id": user.id,
            **values,
            "created_at": utcnow(),
            "client_created_at": client_created_at,
        },
    )
    entry = db.session.get(PracticeEntry, entry_id, populate_existing=True)
    same = all(getattr(entry, name) == value for name, value in values.items())
    if entry.author_id != user.id or entry.step_id != step.id or not same:
        raise Refused(409, "Another practice entry was saved under this id.")
    return entry, created


def _entry_errors(step: ActionStep, kind: str, practised_on: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in PRACTICE_KINDS:
        errors["kind"] = ["Say how: rehearsal or lesson (tried it in class)."]
    problem = practised_on_problem(step, practised_on)
    if problem:
        errors["practised_on"] = [problem]
    return errors


def practice_log(user: User, step: ActionStep) -> list[PracticeEntry] | None:
    """The step's practice log, newest day first, for those who keep it; None otherwise."""
    if not may_keep_practice_log(user, step):
        return None
    return list(
        db.session.scalars(
            sa.select(PracticeEntry)
            .where(PracticeEntry.step_id == step.id)
            .options(selectinload(PracticeEntry.author))
            .order_by(PracticeEntry.practised_on.desc(), PracticeEntry.created_at.desc())
        )
    )
