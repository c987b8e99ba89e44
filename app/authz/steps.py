"""Who sees an action step, who changes it, and who reads what the teacher wrote on it.
Part of app.authz (the one rule): import these from there.

| step                        | who                                                      |
|-----------------------------|----------------------------------------------------------|
| see it, its status, dates   | whoever sees one of its visits (teacher, coach, leads)   |
| change its status           | its teacher, their current coach(es), the coach of a     |
|                             | visit on it; never a lead as such                         |
| embedded                    | the coach, after a later drop-in (app.steps.services)    |
| acknowledge, reflect        | the step's teacher only                                  |
| read the reflection, the    | the teacher and their current coach(es) only             |
| conversation; comment       |                                                          |
| read and write the practice | the teacher and their current coach(es) only: it is the  |
| log                         | teacher's practice (leads see the step and its plan)     |
| My step, history, journey   | a teacher, or anyone visited as one: their own steps     |
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from app.authz import _coaches_now, pair_is_current, visible_visits_clause
from app.authz.school_dates import pair_school_today
from app.extensions import db
from app.models import ActionStep, CoachingPair, Membership, User, Visit


def _coaches_teacher_now(user: User, teacher_id, today=None) -> sa.ColumnElement[bool]:
    """EXISTS: `user` currently coaches this teacher, in any school (`today`: the pair's
    school's date, this moment's unless given)."""
    return (
        sa.select(CoachingPair.id)
        .where(
            CoachingPair.coach_id == user.id,
            CoachingPair.teacher_id == teacher_id,
            pair_is_current(pair_school_today() if today is None else today),
        )
        .exists()
    )


def may_see_step(user: User, step: ActionStep) -> bool:
    """Anyone who may see one of the step's visits sees the step, its status and dates."""
    query = sa.select(Visit.id).where(Visit.action_step_id == step.id, visible_visits_clause(user))
    return db.session.scalar(query.limit(1)) is not None


def visible_step_or_404(user: User, step_id: int) -> ActionStep:
    visible = sa.select(Visit.action_step_id).where(visible_visits_clause(user))
    step = db.session.scalar(
        sa.select(ActionStep).where(ActionStep.id == step_id, ActionStep.id.in_(visible))
    )
    if step is None:
        abort(404)
    return step


def may_change_step(user: User, step: ActionStep) -> bool:
    """The teacher, their current coach(es) in the step's school, or the coach of one of
    the step's drop-ins. A lead who is none of these sees the step and changes nothing."""
    if user.id == step.teacher_id:
        return True
    wrote_a_visit_on_it = (
        sa.select(Visit.id)
        .where(Visit.action_step_id == step.id, Visit.coach_id == user.id)
        .exists()
    )
    coaches_here = _coaches_now(
        user, sa.literal(step.teacher_id), sa.literal(step.school_id), pair_school_today()
    )
    return bool(db.session.scalar(sa.select(sa.or_(coaches_here, wrote_a_visit_on_it))))


def may_read_reflection(user: User, step: ActionStep) -> bool:
    """A reflection (and the conversation on a step) is read by the teacher and their
    current coach(es) only: not by leads, not by a former coach."""
    if user.id == step.teacher_id:
        return True
    query = sa.select(_coaches_teacher_now(user, step.teacher_id))
    return bool(db.session.scalar(query))


def has_teacher_pages(user: User) -> bool:
    """My step, its history and the journey are a teacher's own: for anyone who teaches,
    or has been visited as a teacher (their steps stay theirs when the role goes). Anyone
    else, a lead say, gets 404 there, as on the self-audit, not an empty teacher's page."""
    teaches = (
        sa.select(Membership.id)
        .where(Membership.user_id == user.id, Membership.role == "teacher")
        .exists()
    )
    was_visited = sa.select(Visit.id).where(Visit.teacher_id == user.id).exists()
    return bool(db.session.scalar(sa.select(sa.or_(teaches, was_visited))))


def current_coaches_of(teacher_id: int) -> list[User]:
    """Who besides the teacher reads their reflection, conversation and practice log (as
    may_read_reflection decides): their current coaches, by name. A triad member may have
    two: their own coach and the peer who coaches them."""
    coach_ids = sa.select(CoachingPair.coach_id).where(
        CoachingPair.teacher_id == teacher_id, pair_is_current(pair_school_today())
    )
    query = sa.select(User).where(User.id.in_(coach_ids), User.active).order_by(User.name)
    return list(db.session.scalars(query))


def may_join_conversation(user: User, step: ActionStep) -> bool:
    """Those who read the reflection also read and write the comments on the step."""
    return may_read_reflection(user, step)


def may_keep_practice_log(user: User, step: ActionStep) -> bool:
    """The practice log is the teacher's own, treated like the conversation: the teacher
    and their current coach(es) read it and add to it; leads and former coaches do not."""
    return may_read_reflection(user, step)
