"""Reading coaching cycles: a school's cycles, the one a day falls in, and a cycle as the
stretch of local days that coverage and exports read (app.localtime.Period)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from app.cycles.models import CoachingCycle
from app.extensions import db
from app.localtime import Period

#: Largest id a database integer holds: a bigger one in a URL is simply not found.
MAX_ID = 2**31 - 1


def cycles_of(school_ids: Iterable[int]) -> list[CoachingCycle]:
    """The cycles of these schools, newest first (then by school)."""
    ids = list(school_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(CoachingCycle)
            .where(CoachingCycle.school_id.in_(ids))
            .order_by(CoachingCycle.starts_on.desc(), CoachingCycle.school_id)
        )
    )


def cycle_in(school_ids: Iterable[int], cycle_id: int | None) -> CoachingCycle | None:
    """The cycle with this id if it belongs to one of these schools, else None."""
    if cycle_id is None or not 0 < cycle_id <= MAX_ID:
        return None
    return db.session.scalar(
        sa.select(CoachingCycle).where(
            CoachingCycle.id == cycle_id, CoachingCycle.school_id.in_(list(school_ids))
        )
    )


def cycle_by_id(cycle_id: int) -> CoachingCycle | None:
    if not 0 < cycle_id <= MAX_ID:
        return None
    return db.session.get(CoachingCycle, cycle_id)


def current_cycle(school_id: int, today: date) -> CoachingCycle | None:
    return db.session.scalar(
        sa.select(CoachingCycle).where(
            CoachingCycle.school_id == school_id,
            CoachingCycle.starts_on <= today,
            CoachingCycle.ends_on >= today,
        )
    )


def cycle_period(cycle: CoachingCycle) -> Period:
    """The cycle's days, labelled for file names: 'cycle-<id>_2026-11-02_2026-12-13'."""
    label = f"cycle-{cycle.id}_{cycle.starts_on.isoformat()}_{cycle.ends_on.isoformat()}"
    return Period(cycle.starts_on, cycle.ends_on, label)


class CycleFinder:
    """Which cycle a school's day falls in, for many days at once (one query)."""

    def __init__(self, school_ids: Iterable[int]):
        self.by_school: dict[int, list[CoachingCycle]] = {}
        for cycle in cycles_of(school_ids):
            self.by_school.setdefault(cycle.school_id, []).append(cycle)

    def cycle_on(self, school_id: int, day: date) -> CoachingCycle | None:
        return next((c for c in self.by_school.get(school_id, []) if c.contains(day)), None)
