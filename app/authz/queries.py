"""Permission queries for the hot paths, composed from app.authz's rules and built once
(part of app.authz: import them from there): the sync PUT's write check (one indexed
query, whatever the size of the trust), an export's visibility decided once per scope,
and the teachers a user may write for (capped and searched for /api/v1/me)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import aliased, load_only

from app.authz import (
    Coachee,
    _coaches_now,
    _may_write_for,
    led_school_ids,
    pair_is_current,
)
from app.authz.school_dates import (
    bound_pair_school_today,
    bound_school_today,
    pair_school_today,
    school_today,
)
from app.authz.steps import _coaches_teacher_now
from app.extensions import db
from app.models import ActionStep, CoachingPair, LibraryStep, Membership, School, User, Visit


@dataclass(frozen=True)
class WriteTarget:
    """Where a new visit by the user for a teacher goes, and what its answer shows."""

    school: School
    teacher: User
    #: The library step the capture names, when a visit in this school may use it.
    library_step: LibraryStep | None
    #: may_read_reflection for the teacher's steps, decided in the same query.
    reads_reflection: bool
    #: The teacher's step the capture keeps practising (app.visits.services checks it).
    revisited_step: ActionStep | None = None


def write_target(
    user: User,
    teacher_id: int,
    library_step_id: int | None,
    now: datetime | None = None,
    *,
    new_visit_id: uuid.UUID | None = None,
) -> WriteTarget | None:
    """school_for_new_visit, the teacher and the library step in one indexed query: only
    the teacher's own schools are looked at (their memberships and coaching pairs), so it
    costs the same for a coach of three teachers and a trust lead of thousands.

    On PostgreSQL the same query locks the teacher's row (FOR NO KEY UPDATE, as setting a
    step needs) when the user may write for them and no visit has `new_visit_id` yet: the
    statements after it see every step set before it (a replay or an edit takes no lock
    here, so it locks its visit before the teacher, as every edit does)."""
    params = {
        "user_id": user.id,
        "teacher_id": teacher_id,
        "library_step_id": library_step_id,
        "now": now or datetime.now(UTC),
        "new_visit_id": new_visit_id,
    }
    row = db.session.execute(_write_target_query(), params).first()
    return WriteTarget(*row[:-1]) if row is not None else None  # the last column: the lock


@cache
def _write_target_query() -> sa.Select:
    """Built once with bound parameters: building it costs more than running it."""
    user = SimpleNamespace(id=sa.bindparam("user_id", type_=sa.Integer))
    teacher_id = sa.bindparam("teacher_id", type_=sa.Integer)
    today = bound_school_today(School.timezone)
    teacher = aliased(User)
    teachers_schools = sa.union(
        sa.select(Membership.school_id).where(
            Membership.user_id == teacher_id, Membership.role == "teacher"
        ),
        sa.select(CoachingPair.school_id).where(
            CoachingPair.teacher_id == teacher_id, CoachingPair.coach_id == user.id
        ),
    )
    usable_here = sa.and_(
        LibraryStep.id == sa.bindparam("library_step_id", type_=sa.Integer),
        LibraryStep.trust_id == School.trust_id,
        sa.or_(LibraryStep.school_id.is_(None), LibraryStep.school_id == School.id),
    )
    coached_here = _coaches_now(user, teacher_id, School.id, today)
    new_visit_id = sa.bindparam("new_visit_id", type_=sa.Uuid)
    teacher_lock = (
        sa.select(User.id)
        .where(User.id == teacher_id, ~sa.exists().where(Visit.id == new_visit_id))
        .with_for_update(key_share=True)
        .cte("teacher_lock")
    )
    reads_reflection = sa.or_(
        teacher_id == user.id, _coaches_teacher_now(user, teacher_id, bound_pair_school_today())
    ).label("reads_reflection")
    # Only what the new visit, its step and its answer read: each column loaded costs the
    # ORM and the driver work on every PUT (others load when first read, if ever).
    needed = (
        load_only(School.id, School.slug),
        load_only(teacher.id, teacher.name),
        load_only(
            LibraryStep.id,
            LibraryStep.category,
            LibraryStep.practice_rehearse,
            LibraryStep.practice_success,
        ),
    )
    return (
        sa.select(
            School,
            teacher,
            LibraryStep,
            reads_reflection,
            sa.select(teacher_lock.c.id).scalar_subquery().label("locked"),
        )
        .options(*needed)
        .select_from(School)
        .join(teacher, teacher.id == teacher_id)
        .outerjoin(LibraryStep, usable_here)
        .where(
            School.id.in_(teachers_schools),
            _may_write_for(user, teacher_id, School.id, today),
        )
        .order_by(sa.case((coached_here, 0), else_=1), School.name)
        .limit(1)
    )


def visible_visits_in_scope(user: User, school_id: int | None = None):
    """visible_visits_clause decided once for a long read (an export) instead of per
    visit: None when the user sees every visit of that school; else the same rule with
    every sub-query answered first (the schools they lead, the teachers they coach now,
    named outright), so the database checks plain values on each row and may read the
    rows in parallel."""
    led = sorted(db.session.scalars(led_school_ids(user)))
    if school_id is not None and school_id in led:
        return None
    coached = db.session.execute(
        sa.select(CoachingPair.teacher_id, CoachingPair.school_id)
        .where(CoachingPair.coach_id == user.id, pair_is_current(pair_school_today()))
        .distinct()
    ).all()
    return sa.or_(
        Visit.coach_id == user.id,
        Visit.teacher_id == user.id,
        sa.tuple_(Visit.teacher_id, Visit.school_id).in_([tuple(pair) for pair in coached]),
        Visit.school_id.in_(led),
    )


def own_coachees(user: User, now=None, *, teacher_id: int | None = None) -> list[Coachee]:
    """The teachers the user coaches now (at `now`), by name: only their own coaching
    pairs are looked at, so a lead of thousands costs what a coach of three does.
    `teacher_id`: that teacher only (none when the user does not coach them)."""
    coached = _coached(user, now, User.id == teacher_id if teacher_id else sa.true())
    # One each: a pair ended today and made again today are two current rows.
    coachees = {
        (teacher.id, school.id): Coachee(teacher, school, coached_by_user=True)
        for teacher, school in coached
    }
    return sorted(coachees.values(), key=lambda c: (c.teacher.name.lower(), c.school.name))


def _coached(user: User, now, *where) -> list[sa.Row]:
    return db.session.execute(
        sa.select(User, School)
        .join(CoachingPair, CoachingPair.teacher_id == User.id)
        .join(School, School.id == CoachingPair.school_id)
        .where(
            CoachingPair.coach_id == user.id,
            pair_is_current(school_today(School.timezone, now)),
            User.active,
            *where,
        )
    ).all()


def writable_coachees(user: User, now=None, *, limit=None, search="") -> list[Coachee]:
    """Teachers the user may write a visit for: their current coachees (at `now`), then
    every active teacher of a school they lead, by name, `limit` at most, names or emails
    `search`ing."""
    named = sa.or_(*(c.icontains(search, autoescape=True) for c in (User.name, User.email)))
    named = named if search else sa.true()
    coached = _coached(user, now, named)
    led = db.session.execute(
        sa.select(User, School)
        .join(Membership, Membership.user_id == User.id)
        .join(School, School.id == Membership.school_id)
        .where(
            Membership.role == "teacher",
            Membership.school_id.in_(led_school_ids(user)),
            User.active,
            User.id != user.id,
            named,
        )
        .order_by(sa.func.lower(User.name), School.name)
        .limit(None if limit is None else limit + len(coached))
    ).all()
    coachees: dict[tuple[int, int], Coachee] = {}
    for teacher, school in coached:
        coachees[(teacher.id, school.id)] = Coachee(teacher, school, coached_by_user=True)
    for teacher, school in led:
        coachees.setdefault((teacher.id, school.id), Coachee(teacher, school, False))
    return sorted(
        coachees.values(),
        key=lambda c: (not c.coached_by_user, c.teacher.name.lower(), c.school.name),
    )[:limit]
