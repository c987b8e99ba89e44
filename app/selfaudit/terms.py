"""Which term a day falls in, for one school: the terms its admin set, else England's
usual terms (autumn from September, spring from January, summer from April)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.localtime import local_today, term_of
from app.models import School
from app.selfaudit_models import SchoolTerm

#: The first month of each usual term, and the month it runs to.
USUAL_TERMS = {"Autumn": (9, 12), "Spring": (1, 3), "Summer": (4, 8)}


@dataclass(frozen=True)
class Term:
    name: str
    first_day: date
    last_day: date


def usual_term(day: date) -> Term:
    """England's usual term `day` falls in, named as app.localtime.term_of names it."""
    name = term_of(day)
    first_month, last_month = USUAL_TERMS[name.split()[0]]
    last_day = date(day.year, last_month + 1, 1) if last_month < 12 else date(day.year + 1, 1, 1)
    return Term(name, date(day.year, first_month, 1), date.fromordinal(last_day.toordinal() - 1))


def school_terms(school: School) -> list[SchoolTerm]:
    return list(
        db.session.scalars(
            sa.select(SchoolTerm)
            .where(SchoolTerm.school_id == school.id)
            .order_by(SchoolTerm.first_day)
        )
    )


def term_for(school: School, day: date) -> Term:
    """The school's own term holding `day` (the latest starting, if they overlap), else
    the usual one."""
    own = db.session.scalar(
        sa.select(SchoolTerm)
        .where(
            SchoolTerm.school_id == school.id,
            SchoolTerm.first_day <= day,
            SchoolTerm.last_day >= day,
        )
        .order_by(SchoolTerm.first_day.desc())
        .limit(1)
    )
    if own is not None:
        return Term(own.name, own.first_day, own.last_day)
    return usual_term(day)


def current_term(school: School) -> Term:
    return term_for(school, local_today(school.timezone))
