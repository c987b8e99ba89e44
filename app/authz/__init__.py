"""The one authorisation rule: who may see and write which visit, teacher and school.

Everything that shows or changes coaching data asks here, and nothing else writes a
permission rule: services and routes call these functions. Each check is one small
indexed query. Whatever a user may not see answers 404, so ids leak nothing.

| role        | sees                                                          |
|-------------|---------------------------------------------------------------|
| coach       | visits they wrote, all visits of teachers they currently coach |
| teacher     | only their own visits                                         |
| school lead | everything in their school(s)                                 |
| trust lead  | everything in every school of their trust(s)                  |
| admin       | administration of their trust(s) only, no visits              |

| writes                      | who                                                      |
|-----------------------------|----------------------------------------------------------|
| a visit for a teacher       | their current coach (in that school), a lead of a school |
|                             | where they teach (not for themself)                      |
| edit a visit, its photos    | the visit's own coach                                    |
| a step, its reflection      | see app/authz/steps.py (leads see, never change)         |
| export visits               | coaches and leads (only visits they may see); a named    |
|                             | school must be one whose data they may see               |
| administer a trust, school  | admins of that trust                                     |
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import abort

from app.authz.school_dates import pair_school_today
from app.extensions import db
from app.models import (
    CoachingPair,
    LibraryStep,
    Membership,
    School,
    Trust,
    TrustRole,
    User,
    Visit,
)


def pair_is_current(today):
    """A WHERE clause on CoachingPair; `today` is the school's date (a date or, for pairs
    in several schools, SQL: app.authz.school_dates)."""
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


def visible_visits_clause(user: User, now: datetime | None = None):
    """A WHERE clause on Visit: true exactly for the visits `user` may see (at `now`)."""
    coaches_teacher_now = (
        sa.select(CoachingPair.id)
        .where(
            CoachingPair.coach_id == user.id,
            CoachingPair.teacher_id == Visit.teacher_id,
            CoachingPair.school_id == Visit.school_id,
            pair_is_current(pair_school_today(now)),
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


def _coaches_now(user: User, teacher_id, school_id, today) -> sa.ColumnElement[bool]:
    """EXISTS: `user` currently coaches this teacher in this school (`today`: its date)."""
    return (
        sa.select(CoachingPair.id)
        .where(
            CoachingPair.coach_id == user.id,
            CoachingPair.teacher_id == teacher_id,
            CoachingPair.school_id == school_id,
            pair_is_current(today),
        )
        .exists()
    )


def _teaches_in_school_led_by(user: User, teacher_id, school_id) -> sa.ColumnElement[bool]:
    """EXISTS: this teacher (not `user`) teaches in this school, and `user` leads it."""
    return sa.and_(
        teacher_id != user.id,
        school_id.in_(led_school_ids(user)),
        sa.select(Membership.id)
        .where(
            Membership.user_id == teacher_id,
            Membership.school_id == school_id,
            Membership.role == "teacher",
        )
        .exists(),
    )


def _may_write_for(user: User, teacher_id, school_id, today) -> sa.ColumnElement[bool]:
    """True where `user` may write a visit for this (active) teacher in this school."""
    teacher_is_active = sa.select(User.id).where(User.id == teacher_id, User.active).exists()
    return sa.and_(
        teacher_is_active,
        sa.or_(
            _coaches_now(user, teacher_id, school_id, today),
            _teaches_in_school_led_by(user, teacher_id, school_id),
        ),
    )


def school_for_new_visit(user: User, teacher_id: int) -> School | None:
    """The school a visit by `user` for this teacher belongs to, or None if not allowed.
    A school where the user coaches the teacher comes before one they lead."""
    today = pair_school_today()
    teacher = sa.literal(teacher_id)
    coached_here = _coaches_now(user, teacher, School.id, today)
    return db.session.scalar(
        sa.select(School)
        .where(_may_write_for(user, teacher, School.id, today))
        .order_by(sa.case((coached_here, 0), else_=1), School.name)
        .limit(1)
    )


def may_write_visit_for(user: User, teacher_id: int, school_id: int) -> bool:
    """May `user` write a visit for this teacher in this school (coach now, or lead)?"""
    query = sa.select(
        _may_write_for(user, sa.literal(teacher_id), sa.literal(school_id), pair_school_today())
    )
    return bool(db.session.scalar(query))


def can_see_teacher(user: User, teacher_id: int) -> bool:
    """The teacher themself, their current coach, or a lead of one of their schools."""
    if user.id == teacher_id:
        return True
    query = sa.select(
        sa.select(School.id)
        .where(_may_write_for(user, sa.literal(teacher_id), School.id, pair_school_today()))
        .exists()
    )
    return bool(db.session.scalar(query))


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


# Changing a visit and its step ---------------------------------------------------------


def may_edit_visit(user: User, visit: Visit) -> bool:
    """Only the visit's own coach changes what was captured."""
    return visit.coach_id == user.id


def visit_for_photo_upload(user: User, visit_id: uuid.UUID) -> Visit | None:
    """The visit, if `user` may add photos to it (its own coach); else None."""
    return db.session.scalar(
        sa.select(Visit).where(Visit.id == visit_id, Visit.coach_id == user.id)
    )


def may_set_step_status(user: User, visit: Visit) -> bool:
    """May `user` move the step of this visit on (see may_change_step)?"""
    return visit.action_step is not None and may_change_step(user, visit.action_step)


def may_acknowledge_or_reflect(user: User, visit: Visit) -> bool:
    """A step is acknowledged and reflected on by its teacher alone."""
    return visit.teacher_id == user.id


def own_visits_clause(teacher: User) -> sa.ColumnElement[bool]:
    """A WHERE clause on Visit: the teacher's own visits (the ones they act on)."""
    return sa.and_(Visit.teacher_id == teacher.id, visible_visits_clause(teacher))


# The action-step library ---------------------------------------------------------------


def library_step_usable_in(school_ids) -> sa.ColumnElement[bool]:
    """A WHERE clause on LibraryStep: steps a visit in one of these schools may use,
    trust-wide in the school's trust or the school's own. Retired ones included (a capture
    made offline before a step was retired must still sync)."""
    trust_ids = sa.select(School.trust_id).where(School.id.in_(school_ids))
    return sa.or_(
        sa.and_(LibraryStep.school_id.is_(None), LibraryStep.trust_id.in_(trust_ids)),
        LibraryStep.school_id.in_(school_ids),
    )


def may_use_library_step(school: School, library_step_id: int) -> bool:
    query = sa.select(LibraryStep.id).where(
        LibraryStep.id == library_step_id, library_step_usable_in([school.id])
    )
    return db.session.scalar(query) is not None


def usable_library_steps(school_ids) -> list[LibraryStep]:
    """The live steps offered for visits in these schools (ids or a select of ids)."""
    return list(
        db.session.scalars(
            sa.select(LibraryStep)
            .where(LibraryStep.retired_at.is_(None), library_step_usable_in(school_ids))
            .order_by(LibraryStep.category, LibraryStep.title)
        )
    )


# Exports -------------------------------------------------------------------------------


def may_export_visits(user: User) -> bool:
    """Coaches and leads download the visits they may see. Teachers read their own on
    their page; admins see no visits at all."""
    as_coach_or_lead = sa.select(Membership.id).where(
        Membership.user_id == user.id, Membership.role.in_(("coach", "lead"))
    )
    as_trust_lead = sa.select(TrustRole.id).where(
        TrustRole.user_id == user.id, TrustRole.role == "trust_lead"
    )
    query = sa.select(sa.or_(as_coach_or_lead.exists(), as_trust_lead.exists()))
    return bool(db.session.scalar(query))


def may_export_school(user: User, school_id: int) -> bool:
    """A named school must be one whose coaching data the user may see."""
    query = sa.select(School.id).where(
        School.id == school_id, School.id.in_(visible_school_ids(user))
    )
    return db.session.scalar(query) is not None


def led_schools(user: User) -> list[School]:
    """The schools the user leads (for the coverage and export pages), by name."""
    return list(
        db.session.scalars(
            sa.select(School).where(School.id.in_(led_school_ids(user))).order_by(School.name)
        )
    )


# Administration ------------------------------------------------------------------------


def may_administer(user: User) -> bool:
    query = sa.select(administered_trust_ids(user).exists())
    return bool(db.session.scalar(query))


def administered_trusts(user: User) -> list[Trust]:
    return list(
        db.session.scalars(
            sa.select(Trust).where(Trust.id.in_(administered_trust_ids(user))).order_by(Trust.name)
        )
    )


def administered_trust(user: User, trust_id: int) -> Trust | None:
    return db.session.scalar(
        sa.select(Trust).where(Trust.id == trust_id, Trust.id.in_(administered_trust_ids(user)))
    )


def administered_school(user: User, school_id: int) -> School | None:
    return db.session.scalar(
        sa.select(School).where(
            School.id == school_id, School.trust_id.in_(administered_trust_ids(user))
        )
    )


def administered_pair(user: User, pair_id: int) -> CoachingPair | None:
    return db.session.scalar(
        sa.select(CoachingPair)
        .join(School, School.id == CoachingPair.school_id)
        .where(CoachingPair.id == pair_id, School.trust_id.in_(administered_trust_ids(user)))
    )


def administered_library_step(user: User, step_id: int) -> LibraryStep | None:
    return db.session.scalar(
        sa.select(LibraryStep).where(
            LibraryStep.id == step_id, LibraryStep.trust_id.in_(administered_trust_ids(user))
        )
    )


def administered_person(trust: Trust, user_id: int) -> User | None:
    """A person an admin of `trust` manages: anyone with a role in it (school or trust)."""
    in_school = sa.select(Membership.user_id).join(School).where(School.trust_id == trust.id)
    in_trust = sa.select(TrustRole.user_id).where(TrustRole.trust_id == trust.id)
    return db.session.scalar(
        sa.select(User).where(User.id == user_id, User.id.in_(sa.union(in_school, in_trust)))
    )


# Part of this one rule: the action step's rules (app/authz/steps.py), the hot-path
# queries (app/authz/queries.py), the sections a person may reach (app/authz/sections.py),
# the self-audits (app/authz/selfaudit.py) and the coaching cycles (app/authz/cycles.py).
from app.authz.cycles import (  # noqa: E402,F401
    administered_cycle,
    is_triad_member,
    triad_keys_of,
    visible_write_up,
)
from app.authz.queries import own_coachees, writable_coachees  # noqa: E402,F401
from app.authz.sections import landing_section, reachable_sections  # noqa: E402,F401
from app.authz.selfaudit import (  # noqa: E402,F401
    focus_counts_clause,
    is_current_coach_of,
    own_self_audits,
    self_audit_school,
    shared_self_audits,
)
from app.authz.steps import (  # noqa: E402,F401
    current_coaches_of,
    has_teacher_pages,
    may_change_step,
    may_join_conversation,
    may_keep_practice_log,
    may_read_reflection,
    may_see_step,
    visible_step_or_404,
)
