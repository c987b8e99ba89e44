"""Whether a coaching pair is current is read on its school's own calendar, not the
server's: a pair ending today in Auckland has ended while London is still on its last day.
Part of app.authz (the one rule).

The school's date is worked out inside the query, from the moment `now` and the school's
timezone, so each check stays one query whatever timezones the schools use: PostgreSQL
converts with its own time-zone data; on SQLite (which knows no timezones) the same SQL
calls app.localtime through a function registered on each connection (app/__init__.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from app.models import CoachingPair, School, UTCDateTime


class local_date(FunctionElement):  # noqa: N801  (an SQL function, named as one)
    """SQL: the calendar date of a UTC moment on a timezone's clock: local_date(moment, zone)."""

    type = sa.Date()
    inherit_cache = True
    name = "dropin_local_date"


@compiles(local_date)
def _local_date_by_app(element, compiler, **kw) -> str:
    """SQLite: app.localtime.sqlite_local_date, registered as dropin_local_date."""
    return f"dropin_local_date({compiler.process(element.clauses, **kw)})"


@compiles(local_date, "postgresql")
def _local_date_on_postgresql(element, compiler, **kw) -> str:
    moment, zone = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(timezone({zone}, {moment}) AS DATE)"


def school_today(zone, now: datetime | None = None) -> sa.ColumnElement:
    """The date at `now` (default: this moment) on the clock of the school whose timezone
    is `zone` (a column or SQL expression)."""
    moment = sa.bindparam("now", now or datetime.now(UTC), type_=UTCDateTime(), unique=True)
    return local_date(moment, zone)


def _pair_school_zone() -> sa.ScalarSelect:
    """The timezone of a coaching pair's school (CoachingPair is in the query). An alias of
    its own, so it is never taken for a School the enclosing query selects."""
    pair_school = aliased(School)
    return (
        sa.select(pair_school.timezone)
        .where(pair_school.id == CoachingPair.school_id)
        .scalar_subquery()
    )


def pair_school_today(now: datetime | None = None) -> sa.ColumnElement:
    """The date at `now` on the clock of a coaching pair's school (CoachingPair is in the
    query)."""
    return school_today(_pair_school_zone(), now)


def bound_school_today(zone) -> sa.ColumnElement:
    """school_today for a query built once: bind {"now": …} to run it."""
    return local_date(sa.bindparam("now", type_=UTCDateTime()), zone)


def bound_pair_school_today() -> sa.ColumnElement:
    """pair_school_today for a query built once: bind {"now": …} to run it."""
    return bound_school_today(_pair_school_zone())
