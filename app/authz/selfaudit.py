"""Who reads a self-audit. Part of app.authz (the one rule): import these from there.

| self-audit                  | who                                                      |
|-----------------------------|----------------------------------------------------------|
| write, read, share          | the teacher, their own only                              |
| read                        | the teacher's current coach, only while it is shared     |
| counts of focus areas       | leads of the school (never one person's answers)         |
| focus area, for triads      | admins of the school's trust (grouping, not answers)     |

A lead as such never reads one: not their school's, not their trust's. A lead who is
also the teacher's current coach reads a shared one as their coach.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.authz import led_school_ids, pair_is_current
from app.authz.school_dates import pair_school_today
from app.extensions import db
from app.models import CoachingPair, Membership, School, User
from app.selfaudit_models import SelfAudit


def self_audit_school(user: User) -> School | None:
    """The school a teacher's self-audit belongs to: the first (by name) they teach in."""
    return db.session.scalar(
        sa.select(School)
        .join(Membership, Membership.school_id == School.id)
        .where(Membership.user_id == user.id, Membership.role == "teacher")
        .order_by(School.name, School.id)
        .limit(1)
    )


def own_self_audits(user: User) -> sa.Select:
    """The user's own self-audits, newest term first."""
    return (
        sa.select(SelfAudit)
        .where(SelfAudit.teacher_id == user.id)
        .order_by(SelfAudit.term_starts_on.desc(), SelfAudit.id.desc())
    )


def shared_self_audits(coach: User, teacher_id: int, now: datetime | None = None) -> sa.Select:
    """Self-audits this teacher shares, for the coach who coaches them now (on that
    school's date) in that school; empty for anyone else."""
    coaches_now = (
        sa.select(CoachingPair.id)
        .where(
            CoachingPair.coach_id == coach.id,
            CoachingPair.teacher_id == SelfAudit.teacher_id,
            CoachingPair.school_id == SelfAudit.school_id,
            pair_is_current(pair_school_today(now)),
        )
        .exists()
    )
    return (
        sa.select(SelfAudit)
        .where(
            SelfAudit.teacher_id == teacher_id,
            SelfAudit.teacher_id != coach.id,
            SelfAudit.shared_with_coach,
            coaches_now,
        )
        .order_by(SelfAudit.term_starts_on.desc(), SelfAudit.id.desc())
    )


def is_current_coach_of(coach: User, teacher_id: int, now: datetime | None = None) -> bool:
    query = sa.select(CoachingPair.id).where(
        CoachingPair.coach_id == coach.id,
        CoachingPair.teacher_id == teacher_id,
        pair_is_current(pair_school_today(now)),
    )
    return coach.id != teacher_id and db.session.scalar(query.limit(1)) is not None


def focus_counts_clause(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause on SelfAudit for the counts a lead sees: their schools only. Use it
    only for counting (GROUP BY), never to list rows."""
    return SelfAudit.school_id.in_(led_school_ids(user))
