"""Who sets coaching cycles and who reads triad write-ups. Part of app.authz (the one
rule): import these from there.

| what                          | who                                                     |
|-------------------------------|---------------------------------------------------------|
| set or remove a school's cycles | admins of the school's trust                          |
| filter coverage, CSV by cycle | whoever may see that school's data (leads, coaches)     |
| read, write a triad write-up  | the triad's members only (anyone in one of its pairs):  |
|                               | never a lead or an admin as such                        |
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from app.authz import administered_trust_ids
from app.cycles.models import CoachingCycle, GrowWriteUp
from app.extensions import db
from app.models import CoachingPair, School, User


def administered_cycle(user: User, cycle_id: int) -> CoachingCycle | None:
    if not 0 < cycle_id < 2**31:
        return None
    return db.session.scalar(
        sa.select(CoachingCycle)
        .join(School, School.id == CoachingCycle.school_id)
        .where(CoachingCycle.id == cycle_id, School.trust_id.in_(administered_trust_ids(user)))
    )


def triad_keys_of(user: User) -> sa.Select:
    """The triads `user` is a member of: coach or coached in one of the triad's pairs."""
    return sa.select(CoachingPair.triad_key).where(
        CoachingPair.triad_key.is_not(None),
        sa.or_(CoachingPair.coach_id == user.id, CoachingPair.teacher_id == user.id),
    )


def is_triad_member(user: User, triad_key: uuid.UUID) -> bool:
    query = sa.select(triad_keys_of(user).where(CoachingPair.triad_key == triad_key).exists())
    return bool(db.session.scalar(query))


def visible_write_up(user: User, triad_key: uuid.UUID, write_up_id: int) -> GrowWriteUp | None:
    """The write-up, if it is this triad's and `user` is one of its members; else None."""
    if not 0 < write_up_id < 2**31:
        return None
    return db.session.scalar(
        sa.select(GrowWriteUp).where(
            GrowWriteUp.id == write_up_id,
            GrowWriteUp.triad_key == triad_key,
            GrowWriteUp.triad_key.in_(triad_keys_of(user)),
        )
    )
