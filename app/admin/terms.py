"""A school's term dates, set by its admin: self-audits are once per term. Days outside
every term set here fall in England's usual terms (app.selfaudit.terms)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.admin.services import RuleBroken, audit
from app.extensions import db
from app.models import School, User
from app.selfaudit_models import SchoolTerm


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def add_term(actor: User, school: School, name: str, first_day: date, last_day: date) -> SchoolTerm:
    """A new term; refused when its name is taken or its days overlap another term's."""
    for other in db.session.scalars(sa.select(SchoolTerm).where(SchoolTerm.school_id == school.id)):
        if other.name.lower() == name.lower():
            raise RuleBroken("name", f"{school.name} already has a term called “{other.name}”.")
        if other.first_day <= last_day and first_day <= other.last_day:
            raise RuleBroken(
                "first_day",
                f"These days overlap {other.name} ({_day(other.first_day)} to "
                f"{_day(other.last_day)}).",
            )
    term = SchoolTerm(school_id=school.id, name=name, first_day=first_day, last_day=last_day)
    db.session.add(term)
    audit(
        school.trust_id,
        actor,
        "term.add",
        f"Added the term {name} at {school.name}",
        school=school.slug,
        name=name,
        first_day=first_day.isoformat(),
        last_day=last_day.isoformat(),
    )
    db.session.flush()
    return term


def remove_term(actor: User, school: School, term_id: int) -> bool:
    """Remove one of the school's terms (self-audits already made keep their term's name)."""
    term = db.session.scalar(
        sa.select(SchoolTerm).where(SchoolTerm.id == term_id, SchoolTerm.school_id == school.id)
    )
    if term is None:
        return False
    db.session.delete(term)
    audit(
        school.trust_id,
        actor,
        "term.remove",
        f"Removed the term {term.name} at {school.name}",
        school=school.slug,
        name=term.name,
    )
    db.session.flush()
    return True
