"""A school's coaching cycles: named stretches of weeks (six, say) that never overlap in
one school. Services flush; the route commits. A refused change raises RuleBroken at the
field it concerns, with a message that says how to put it right."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app import limits
from app.admin.services import RuleBroken, audit
from app.cycles.models import CoachingCycle
from app.cycles.services import cycles_of
from app.extensions import db
from app.models import School, User


def school_cycles(school: School) -> list[CoachingCycle]:
    return cycles_of([school.id])


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise RuleBroken("ends_on", "The last day must be on or after the first day.")
    days = (ends_on - starts_on).days + 1
    if days > limits.CYCLE_DAYS:
        raise RuleBroken(
            "ends_on",
            f"A cycle lasts at most {limits.CYCLE_DAYS} days; this one would last {days}.",
        )


def _others(school: School, cycle: CoachingCycle | None):
    """The school's cycles other than `cycle` (the one being changed, if any)."""
    clause = CoachingCycle.school_id == school.id
    return sa.and_(clause, CoachingCycle.id != cycle.id) if cycle is not None else clause


def _check_name(school: School, name: str, cycle: CoachingCycle | None = None) -> None:
    taken = sa.select(CoachingCycle.id).where(
        _others(school, cycle), sa.func.lower(CoachingCycle.name) == name.lower()
    )
    if db.session.scalar(taken) is not None:
        raise RuleBroken("name", f"{school.name} already has a cycle called “{name}”.")


def _check_no_overlap(
    school: School, starts_on: date, ends_on: date, cycle: CoachingCycle | None = None
) -> None:
    overlapping = db.session.scalar(
        sa.select(CoachingCycle)
        .where(
            _others(school, cycle),
            CoachingCycle.starts_on <= ends_on,
            CoachingCycle.ends_on >= starts_on,
        )
        .order_by(CoachingCycle.starts_on)
        .limit(1)
    )
    if overlapping is not None:
        raise RuleBroken(
            "starts_on",
            f"These dates overlap “{overlapping.name}” ({overlapping.dates}). "
            "Cycles in one school cannot overlap: start after it ends, or end before it starts.",
        )


def _lock_school(school: School) -> None:
    """One change to a school's cycles at a time (PostgreSQL locks the school's row; SQLite
    writes one at a time anyway), so two admins cannot add overlapping cycles at once."""
    db.session.execute(sa.select(School.id).where(School.id == school.id).with_for_update())


def _check(
    school: School, name: str, starts_on: date, ends_on: date, cycle: CoachingCycle | None = None
) -> None:
    _lock_school(school)
    _check_dates(starts_on, ends_on)
    _check_name(school, name, cycle)
    _check_no_overlap(school, starts_on, ends_on, cycle)


def add_cycle(
    actor: User | None, school: School, name: str, starts_on: date, ends_on: date
) -> CoachingCycle:
    name = name.strip()
    _check(school, name, starts_on, ends_on)
    cycle = CoachingCycle(school_id=school.id, name=name, starts_on=starts_on, ends_on=ends_on)
    db.session.add(cycle)
    db.session.flush()
    audit(
        school.trust_id,
        actor,
        "cycle.add",
        f"Added the cycle “{name}” ({cycle.dates}) at {school.name}",
        school_id=school.id,
        first_day=starts_on.isoformat(),
        last_day=ends_on.isoformat(),
        cycle_id=cycle.id,
    )
    return cycle


def change_cycle(
    actor: User | None, cycle: CoachingCycle, name: str, starts_on: date, ends_on: date
) -> list[str]:
    """Rename or move a cycle (the same rules as a new one); what changed, in words."""
    name = name.strip()
    school = cycle.school
    _check(school, name, starts_on, ends_on, cycle)
    changes = []
    if name != cycle.name:
        changes.append(f"name “{cycle.name}” to “{name}”")
    if (starts_on, ends_on) != (cycle.starts_on, cycle.ends_on):
        before = cycle.dates
        cycle.starts_on, cycle.ends_on = starts_on, ends_on
        changes.append(f"dates {before} to {cycle.dates}")
    cycle.name = name
    if changes:
        db.session.flush()
        audit(
            school.trust_id,
            actor,
            "cycle.change",
            f"Changed the cycle “{name}” at {school.name}: " + "; ".join(changes),
            school_id=school.id,
            cycle_id=cycle.id,
        )
    return changes


def remove_cycle(actor: User | None, cycle: CoachingCycle) -> None:
    """Only the cycle goes: visits and steps stay, simply no longer grouped under it."""
    school = cycle.school
    audit(
        school.trust_id,
        actor,
        "cycle.remove",
        f"Removed the cycle “{cycle.name}” ({cycle.dates}) at {school.name}",
        school_id=school.id,
        cycle_id=cycle.id,
    )
    db.session.delete(cycle)
    db.session.flush()
