"""What the coach reads about one teacher: the live step and its conversation, every
drop-in, earlier steps and how long each lasted; and who is due a drop-in by the school's
cadence. Reading only: steps change through app.steps.services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import selectinload

from app.authz import Coachee, current_coaches_of, visible_visits_clause
from app.extensions import db
from app.localtime import local_date, local_today
from app.models import CADENCE_DAYS, ActionStep, School, StepComment, User, Visit


def step_readers(viewer: User, step: ActionStep) -> str:
    """Who reads what a teacher writes on their step, for the hints beside it: "you and
    your coaches (Ben Carter and Priya Shah)", "Tom Baker and their coach (you)". Named,
    since a teacher in a peer triad has two coaches: their own and the peer."""
    said = g.setdefault("step_readers", {})  # one page asks in several hints
    if (viewer.id, step.id) not in said:
        said[viewer.id, step.id] = _readers(viewer, step)
    return said[viewer.id, step.id]


def _readers(viewer: User, step: ActionStep) -> str:
    is_teacher = viewer.id == step.teacher_id
    teacher, their = ("you", "your") if is_teacher else (step.teacher.name, "their")
    coaches = current_coaches_of(step.teacher_id)
    if not coaches:
        return f"{teacher} and {their} coach"
    names = ["you" if coach.id == viewer.id else coach.name for coach in coaches]
    names.sort(key=lambda name: name != "you")  # "you" first, then by name
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{teacher} and {their} coach{'' if len(names) == 1 else 'es'} ({listed})"


def school_today(school: School) -> date:
    return local_today(school.timezone)


def local_day(moment: datetime, school: School) -> date:
    return local_date(moment, school.timezone)


@dataclass(frozen=True)
class Due:
    """When a coachee's next drop-in is due by their school's cadence."""

    coachee: Coachee
    last_visit_at: datetime | None
    days_since: int | None
    due_on: date

    @property
    def overdue(self) -> bool:
        return self.due_on < school_today(self.coachee.school)


def due_of(coachee: Coachee, last_visit_at: datetime | None) -> Due:
    school = coachee.school
    today = school_today(school)
    if last_visit_at is None:
        return Due(coachee, None, None, today)
    last_day = local_day(last_visit_at, school)
    return Due(
        coachee,
        last_visit_at,
        (today - last_day).days,
        last_day + timedelta(days=CADENCE_DAYS[school.cadence]),
    )


def due_this_week(coachees: list[Coachee], last_visits: dict[int, datetime]) -> list[Due]:
    """Coachees due a drop-in by the end of this week (Sunday), longest without one first;
    never visited at the top."""
    due = [due_of(c, last_visits.get(c.teacher.id)) for c in coachees]
    this_week = [d for d in due if d.due_on <= _end_of_week(school_today(d.coachee.school))]
    return sorted(this_week, key=lambda d: -(d.days_since if d.days_since is not None else 10**6))


def _end_of_week(day: date) -> date:
    return day + timedelta(days=6 - day.weekday())


def last_visit_by_teacher(user: User, teacher_ids: list[int]) -> dict[int, datetime]:
    """Each teacher's latest drop-in among the visits `user` may see."""
    if not teacher_ids:
        return {}
    rows = db.session.execute(
        sa.select(Visit.teacher_id, sa.func.max(Visit.started_at))
        .where(Visit.teacher_id.in_(teacher_ids), visible_visits_clause(user))
        .group_by(Visit.teacher_id)
    ).all()
    return dict(rows)


@dataclass(frozen=True)
class Record:
    teacher: User
    school: School
    due: Due
    live_step: ActionStep | None
    earlier_steps: list[ActionStep]
    visits: list[Visit]


def record_of(coach: User, coachee: Coachee) -> Record:
    teacher = coachee.teacher
    visits = list(
        db.session.scalars(
            sa.select(Visit)
            .where(Visit.teacher_id == teacher.id, visible_visits_clause(coach))
            .options(
                selectinload(Visit.photos),
                selectinload(Visit.coach),
                selectinload(Visit.school),
                selectinload(Visit.action_step),
            )
            .order_by(Visit.started_at.desc(), Visit.created_at.desc())
        )
    )
    step_ids = {visit.action_step_id for visit in visits}
    steps = list(
        db.session.scalars(
            sa.select(ActionStep)
            .where(ActionStep.id.in_(step_ids))
            .options(
                selectinload(ActionStep.visits),
                selectinload(ActionStep.library_step),
                selectinload(ActionStep.comments).selectinload(StepComment.author),
            )
            .order_by(ActionStep.set_at.desc(), ActionStep.id.desc())
        )
    )
    live = next((step for step in steps if step.is_live), None)
    return Record(
        teacher=teacher,
        school=coachee.school,
        due=due_of(coachee, visits[0].started_at if visits else None),
        live_step=live,
        earlier_steps=[step for step in steps if step is not live],
        visits=visits,
    )


def _days_lasted(step: ActionStep) -> int:
    end = step.closed_at or datetime.now(step.set_at.tzinfo)
    return max(0, (local_day(end, step.school) - local_day(step.set_at, step.school)).days)


def how_long(step: ActionStep) -> str:
    """How long a step lasted (or has lasted so far), in days or weeks."""
    days = _days_lasted(step)
    if days < 14:
        return "1 day" if days == 1 else f"{days} days"
    return f"{days // 7} weeks"


def so_far(step: ActionStep) -> str:
    """How long a live step has lasted: "set today", "3 days so far", "2 weeks so far"."""
    return "set today" if _days_lasted(step) == 0 else f"{how_long(step)} so far"
