"""The one authorisation rule: who may see and write which visit, teacher and school.

Everything that shows or changes coaching data asks here. Whatever a user may not see
answers 404, so ids leak nothing.

| role        | sees                                                          |
|-------------|---------------------------------------------------------------|
| coach       | visits they wrote, all visits of teachers they currently coach |
| teacher     | only their own visits                                         |
| school lead | everything in their school(s)                                 |
| trust lead  | everything in every school of their trust(s)                  |
| admin       | administration of their trust(s) only, no visits              |
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort

from app.extensions import db
from app.models import CoachingPair, Membership, School, TrustRole, User, Visit


def pair_is_current(today: date):
    return sa.and_(
        CoachingPair.since <= today,
        sa.or_(CoachingPair.until.is_(None), CoachingPair.until >= today),
    )


def led_school_ids(user: User) -> sa.Select:
    """Schools the user leads, directly or as a trust lead."""
    as_school_lead = sa.select(Membership.school_id).where(
        Membership.user_id == user.id, Membership.role == "lead"
    )
    as_trust_lead = (
        sa.select(School.id)
        .join(TrustRole, TrustRole.trust_id == School.trust_id)
        .where(TrustRole.user_id == user.id, TrustRole.role == "trust_lead")
    )
    return sa.union(as_school_lead, as_trust_lead)


def administered_trust_ids(user: User) -> sa.Select:
    return sa.select(TrustRole.trust_id).where(
        TrustRole.user_id == user.id, TrustRole.role == "admin"
    )


def visible_visits_clause(user: User, today: date | None = None):
    """A WHERE clause on Visit: true exactly for the visits `user` may see."""
    today = today or date.today()
    coaches_teacher_now = (
        sa.select(CoachingPair.id)
        .where(
            CoachingPair.coach_id == user.id,
            CoachingPair.teacher_id == Visit.teacher_id,
            CoachingPair.school_id == Visit.school_id,
            pair_is_current(today),
        )
        .exists()
    )
    return sa.or_(
        Visit.coach_id == user.id,
        Visit.teacher_id == user.id,
        coaches_teacher_now,
        Visit.school_id.in_(led_school_ids(user)),
    )


def visible_visits(user: User) -> sa.Select:
    return sa.select(Visit).where(visible_visits_clause(user))


def can_see_visit(user: User, visit_id: uuid.UUID) -> bool:
    query = sa.select(Visit.id).where(Visit.id == visit_id, visible_visits_clause(user))
    return db.session.scalar(query) is not None


def get_visit_or_404(user: User, visit_id: uuid.UUID) -> Visit:
    visit = db.session.scalar(visible_visits(user).where(Visit.id == visit_id))
    if visit is None:
        abort(404)
    return visit


@dataclass(frozen=True)
class Coachee:
    """A teacher the user may write a visit for, in one school."""

    teacher: User
    school: School
    coached_by_user: bool  # listed first on the capture page


def writable_coachees(user: User, today: date | None = None) -> list[Coachee]:
    """Teachers the user may write a visit for: their current coachees, and every
    active teacher of a school they lead (leads can also do drop-ins)."""
    today = today or date.today()
    coached = db.session.execute(
        sa.select(User, School)
        .join(CoachingPair, CoachingPair.teacher_id == User.id)
        .join(School, School.id == CoachingPair.school_id)
        .where(CoachingPair.coach_id == user.id, pair_is_current(today), User.active)
    ).all()
    led = db.session.execute(
        sa.select(User, School)
        .join(Membership, Membership.user_id == User.id)
        .join(School, School.id == Membership.school_id)
        .where(
            Membership.role == "teacher",
            Membership.school_id.in_(led_school_ids(user)),
            User.active,
            User.id != user.id,
        )
    ).all()
    coachees: dict[tuple[int, int], Coachee] = {}
    for teacher, school in coached:
        coachees[(teacher.id, school.id)] = Coachee(teacher, school, coached_by_user=True)
    for teacher, school in led:
        coachees.setdefault((teacher.id, school.id), Coachee(teacher, school, False))
    return sorted(
        coachees.values(),
        key=lambda c: (not c.coached_by_user, c.teacher.name.lower(), c.school.name),
    )


def school_for_new_visit(user: User, teacher_id: int) -> School | None:
    """The school a visit by `user` for this teacher belongs to, or None if not allowed."""
    for coachee in writable_coachees(user):
        if coachee.teacher.id == teacher_id:
            return coachee.school
    return None


def can_see_teacher(user: User, teacher_id: int) -> bool:
    """The teacher themself, their current coach, or a lead of one of their schools."""
    if user.id == teacher_id:
        return True
    if any(c.teacher.id == teacher_id for c in writable_coachees(user)):
        return True
    return False


def roles_of(user: User) -> list[str]:
    """Distinct role names the user holds anywhere: teacher, coach, lead, trust_lead, admin."""
    school_roles = {m.role for m in user.memberships}
    trust_roles = {r.role for r in user.trust_roles}
    order = ["coach", "teacher", "lead", "trust_lead", "admin"]
    return [role for role in order if role in school_roles | trust_roles]


def visible_school_ids(user: User) -> sa.Select:
    """Schools whose coaching data the user may see at least some of."""
    member_of = sa.select(Membership.school_id).where(Membership.user_id == user.id)
    # A union nested directly in a union is a syntax error on SQLite: select from it.
    led = led_school_ids(user).subquery()
    return sa.union(member_of, sa.select(led.c.school_id))


# Accounts across trusts -----------------------------------------------------------------


def trusts_of_person(person: User) -> set[int]:
    """Every trust in which the person holds a role: a school role or a trust role."""
    in_schools = sa.select(School.trust_id).join(Membership).where(Membership.user_id == person.id)
    in_trusts = sa.select(TrustRole.trust_id).where(TrustRole.user_id == person.id)
    return set(db.session.scalars(sa.union(in_schools, in_trusts)))


def may_change_account(admin: User, person: User) -> bool:
    """A sign-in link, a rename, a deactivation or any change to the account itself: only
    when every role the person holds is inside a trust the admin administers. Someone who
    also belongs to another trust keeps their account as it is there; an admin may only
    give or take away roles in their own trust."""
    theirs = trusts_of_person(person)
    mine = set(db.session.scalars(administered_trust_ids(admin)))
    return bool(theirs) and theirs <= mine
