"""Coaching pairs and peer triads in a school.

A coach must hold the coach role in the school; the person coached may hold any role
there (a coach can also be coached). A pair is current from `since` until `until`
(open-ended while None); ending a pair sets `until` to today, so its history stays. Only
an open-ended pair counts as a duplicate: a pair ended today may be started again.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.admin.services import RuleBroken, audit
from app.extensions import db
from app.localtime import local_today
from app.models import CoachingPair, Membership, School, User


def pairs_of_school(school: School, today: date) -> tuple[list[CoachingPair], list[CoachingPair]]:
    """(current pairs by coach, ended pairs most recent first)."""
    coach, teacher = aliased(User), aliased(User)
    rows = db.session.scalars(
        sa.select(CoachingPair)
        .join(coach, CoachingPair.coach)
        .join(teacher, CoachingPair.teacher)
        .where(CoachingPair.school_id == school.id)
        .order_by(sa.func.lower(coach.name), sa.func.lower(teacher.name), CoachingPair.id)
    ).all()
    current = [pair for pair in rows if pair.until is None or pair.until >= today]
    ended = sorted(
        (pair for pair in rows if pair not in current), key=lambda pair: pair.until, reverse=True
    )
    return current, ended


def members(school: School, role: str | None = None) -> list[User]:
    """Active people with a role (or this role) in the school, by name."""
    roles = sa.select(Membership.user_id).where(Membership.school_id == school.id)
    if role:
        roles = roles.where(Membership.role == role)
    query = (
        sa.select(User)
        .where(User.id.in_(roles), User.active)
        .order_by(sa.func.lower(User.name), User.id)
    )
    return list(db.session.scalars(query))


def _member(school: School, user_id: int | None, field: str, role: str | None = None) -> User:
    people = {user.id: user for user in members(school, role)}
    if user_id not in people:
        need = "a coach" if role == "coach" else "an active member"
        raise RuleBroken(field, f"Choose {need} of {school.name}.")
    return people[user_id]


def _check_pair(school: School, coach: User, teacher: User, field: str) -> None:
    if coach.id == teacher.id:
        raise RuleBroken(field, f"{coach.name} cannot coach themselves.")
    existing = db.session.scalar(
        sa.select(CoachingPair.id).where(
            CoachingPair.school_id == school.id,
            CoachingPair.coach_id == coach.id,
            CoachingPair.teacher_id == teacher.id,
            CoachingPair.until.is_(None),
        )
    )
    if existing is not None:
        raise RuleBroken(field, f"{coach.name} already coaches {teacher.name}.")


def _add(actor: User, school: School, coach: User, teacher: User, since: date) -> CoachingPair:
    pair = CoachingPair(school_id=school.id, coach_id=coach.id, teacher_id=teacher.id, since=since)
    db.session.add(pair)
    audit(
        school.trust_id,
        actor,
        "pair.add",
        f"{coach.name} coaches {teacher.name} at {school.name}",
        school=school.slug,
        coach=coach.email,
        teacher=teacher.email,
        since=since.isoformat(),
    )
    return pair


def add_pair(
    actor: User, school: School, coach_id: int, teacher_id: int, since: date
) -> CoachingPair:
    coach = _member(school, coach_id, "coach_id", role="coach")
    teacher = _member(school, teacher_id, "teacher_id")
    _check_pair(school, coach, teacher, "teacher_id")
    pair = _add(actor, school, coach, teacher, since)
    db.session.flush()
    return pair


def add_triad(
    actor: User, school: School, member_ids: list[int], since: date, today: date | None = None
) -> list[CoachingPair]:
    """Three peers coaching each other in a ring: A→B, B→C, C→A. All or nothing."""
    today = today or local_today(school.timezone)
    fields = ("first_id", "second_id", "third_id")
    peers = [
        _member(school, user_id, field, role="coach")
        for user_id, field in zip(member_ids, fields, strict=True)
    ]
    for index, (field, peer) in enumerate(zip(fields, peers, strict=True)):
        if any(other.id == peer.id for other in peers[:index]):
            raise RuleBroken(
                field, f"{peer.name} is already in this triad: choose three different people."
            )
    ring = [(peers[0], peers[1]), (peers[1], peers[2]), (peers[2], peers[0])]
    for coach, teacher in ring:
        _check_pair(school, coach, teacher, "first_id")
    pairs = [_add(actor, school, coach, teacher, since) for coach, teacher in ring]
    db.session.flush()
    return pairs


def end_pair(actor: User, pair: CoachingPair, today: date | None = None) -> None:
    """The pair stops today. A pair that has not started yet is withdrawn instead."""
    today = today or local_today(pair.school.timezone)
    if pair.until is not None and pair.until <= today:
        return
    school, coach, teacher = pair.school, pair.coach, pair.teacher
    if pair.since > today:
        db.session.delete(pair)
        action = "pair.withdraw"
        summary = f"Withdrew the planned pair {coach.name} → {teacher.name}"
    else:
        pair.until = today
        action, summary = "pair.end", f"{coach.name} no longer coaches {teacher.name}"
    audit(
        school.trust_id,
        actor,
        action,
        f"{summary} at {school.name}",
        school=school.slug,
        coach=coach.email,
        teacher=teacher.email,
        on=today.isoformat(),
    )
    db.session.flush()
