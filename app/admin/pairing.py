"""Coaching pairs and peer triads in a school.

A coach must hold the coach role in the school; the person coached may hold any role
there (a coach can also be coached). A pair is current from `since` until `until`
(open-ended while None); ending a pair sets `until` to today, so its history stays. Only
an open-ended pair counts as a duplicate: a pair ended today may be started again.

A peer triad is three pairs made together in a ring, sharing a `triad_key`: it is listed
as one triad and ended as one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.admin.services import RuleBroken, audit
from app.authz import pair_is_current
from app.extensions import db
from app.localtime import local_today
from app.models import CoachingPair, Membership, School, User


@dataclass(frozen=True)
class Triad:
    """Three peers coaching each other in a ring: `pairs` in ring order."""

    pairs: list[CoachingPair]

    @property
    def key(self) -> uuid.UUID:
        return self.pairs[0].triad_key

    @property
    def members(self) -> list[User]:
        return [pair.coach for pair in self.pairs]

    @property
    def since(self) -> date:
        return self.pairs[0].since

    @property
    def until(self) -> date | None:
        return self.pairs[0].until

    @property
    def names(self) -> str:
        return _names(self.members)


def _names(people: list[User]) -> str:
    first, second, third = (person.name for person in people)
    return f"{first}, {second} and {third}"


@dataclass(frozen=True)
class SchoolPairs:
    """A school's coaching, as the pairs page lists it."""

    current: list[CoachingPair]
    ended: list[CoachingPair]
    current_triads: list[Triad]
    ended_triads: list[Triad]


def school_pairs(school: School, today: date) -> SchoolPairs:
    """Pairs and triads, each current (also those starting later) or ended."""
    current, ended = pairs_of_school(school, today)
    current_triads, ended_triads = _triads(current), _triads(ended)
    return SchoolPairs(
        [pair for pair in current if pair.triad_key is None],
        [pair for pair in ended if pair.triad_key is None],
        current_triads,
        ended_triads,
    )


def _triads(pairs: list[CoachingPair]) -> list[Triad]:
    """Group the pairs of each triad (in the order of its first pair), in ring order."""
    by_key: dict[uuid.UUID, list[CoachingPair]] = {}
    for pair in pairs:
        if pair.triad_key is not None:
            by_key.setdefault(pair.triad_key, []).append(pair)
    return [Triad(sorted(ring, key=lambda pair: pair.id)) for ring in by_key.values()]


def triad_pairs(school: School, key: uuid.UUID) -> list[CoachingPair]:
    return list(
        db.session.scalars(
            sa.select(CoachingPair)
            .where(CoachingPair.school_id == school.id, CoachingPair.triad_key == key)
            .order_by(CoachingPair.id)
        )
    )


def teachers_without_coach(school: School, today: date) -> list[tuple[User, date | None]]:
    """Active teachers of the school with no current coach, by name, each with the start of
    a planned pair if one is set up."""
    coached = set(
        db.session.scalars(
            sa.select(CoachingPair.teacher_id).where(
                CoachingPair.school_id == school.id, pair_is_current(today)
            )
        )
    )
    planned = dict(
        db.session.execute(
            sa.select(CoachingPair.teacher_id, sa.func.min(CoachingPair.since))
            .where(CoachingPair.school_id == school.id, CoachingPair.since > today)
            .group_by(CoachingPair.teacher_id)
        ).all()
    )
    return [
        (teacher, planned.get(teacher.id))
        for teacher in members(school, "teacher")
        if teacher.id not in coached
    ]


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


def _add(
    school: School, coach: User, teacher: User, since: date, triad_key: uuid.UUID | None = None
) -> CoachingPair:
    pair = CoachingPair(
        school_id=school.id,
        coach_id=coach.id,
        teacher_id=teacher.id,
        since=since,
        triad_key=triad_key,
    )
    db.session.add(pair)
    return pair


def add_pair(
    actor: User, school: School, coach_id: int, teacher_id: int, since: date
) -> CoachingPair:
    coach = _member(school, coach_id, "coach_id", role="coach")
    teacher = _member(school, teacher_id, "teacher_id")
    _check_pair(school, coach, teacher, "teacher_id")
    pair = _add(school, coach, teacher, since)
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
    key = uuid.uuid4()
    pairs = [_add(school, coach, teacher, since, key) for coach, teacher in ring]
    audit(
        school.trust_id,
        actor,
        "triad.add",
        f"{_names(peers)} coach each other in a triad at {school.name}",
        school=school.slug,
        members=[peer.email for peer in peers],
        since=since.isoformat(),
    )
    db.session.flush()
    return pairs


#: Why an ended pair is still listed today (pairs end at the end of their last day).
STILL_TODAY = "it stays listed until then, so a drop-in made today still syncs."


def end_triad(actor: User, school: School, key: uuid.UUID, today: date | None = None) -> str:
    """All three pairs stop today, in one step (or are withdrawn if not started yet).
    Returns what the admin is told."""
    today = today or local_today(school.timezone)
    pairs = triad_pairs(school, key)
    if not pairs or (pairs[0].until is not None and pairs[0].until <= today):
        return ""
    triad = Triad(pairs)
    if _stop(pairs, today):
        action, summary = "triad.withdraw", f"Withdrew the planned triad {triad.names}"
        told = f"{summary}."
    else:
        action, summary = "triad.end", f"Ended the triad {triad.names}"
        told = f"The triad {triad.names} ends after today: {STILL_TODAY}"
    members = [person.email for person in triad.members]
    _audit_end(actor, school, action, summary, today, members=members)
    return told


def end_pair(actor: User, pair: CoachingPair, today: date | None = None) -> str:
    """The pair stops today. A pair that has not started yet is withdrawn instead. A pair
    of a triad ends with its triad. Returns what the admin is told."""
    today = today or local_today(pair.school.timezone)
    if pair.triad_key is not None:
        return end_triad(actor, pair.school, pair.triad_key, today)
    if pair.until is not None and pair.until <= today:
        return ""
    school, coach, teacher = pair.school, pair.coach, pair.teacher
    if _stop([pair], today):
        action = "pair.withdraw"
        summary = f"Withdrew the planned pair {coach.name} → {teacher.name}"
        told = f"{summary}."
    else:
        action, summary = "pair.end", f"{coach.name} no longer coaches {teacher.name}"
        told = f"{summary} after today: {STILL_TODAY}"
    _audit_end(actor, school, action, summary, today, coach=coach.email, teacher=teacher.email)
    return told


def _stop(pairs: list[CoachingPair], today: date) -> bool:
    """End these pairs today, or withdraw them if they have not started; True if withdrawn."""
    withdrawn = pairs[0].since > today
    for pair in pairs:
        if withdrawn:
            db.session.delete(pair)
        else:
            pair.until = today
    return withdrawn


def _audit_end(
    actor: User, school: School, action: str, summary: str, today: date, **people
) -> None:
    audit(
        school.trust_id,
        actor,
        action,
        f"{summary} at {school.name}",
        school=school.slug,
        **people,
        on=today.isoformat(),
    )
    db.session.flush()
