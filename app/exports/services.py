"""The weekly visits CSV: one generator behind both the web download and
`flask export-visits`, so both give the same bytes for the same scope.

Scope: on the web, the visits the signed-in user may see (app.authz); on the command line,
the operator's, which is every visit, optionally of one school.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.authz import may_export_school
from app.authz.queries import visible_visits_in_scope
from app.cycles.services import cycle_by_id, cycle_period
from app.errors import UnknownSchool
from app.exports import postgres
from app.exports.csv_writer import csv_bytes
from app.exports.periods import ExportInputError
from app.extensions import db
from app.localtime import Period, UtcWindows, iso_week_label, local_iso, local_time
from app.models import ActionStep, LibraryStep, Photo, School, User, Visit

HEADER = [
    "visit_id",
    "date",
    "week",
    "school",
    "coach",
    "coach_email",
    "teacher",
    "teacher_email",
    "class",
    "subject",
    "started_at",
    "duration_minutes",
    "notes",
    "action_step",
    "action_step_category",
    "action_step_status",
    "acknowledged_at",
    "photos",
]
#: Rows fetched from the database at a time: memory stays flat whatever the size.
BATCH_SIZE = 1000
#: Time covered by one query of a long export (see _row_batches).
SLICE = timedelta(days=7)


@dataclass(frozen=True)
class ExportScope:
    #: A WHERE clause on Visit from app.authz, or None for the operator (everything).
    visible: sa.ColumnElement[bool] | None
    school: School | None = None


def _school_by_slug(slug: str) -> School:
    school = db.session.scalar(sa.select(School).where(School.slug == slug))
    if school is None:
        raise UnknownSchool(slug)
    return school


def user_scope(user: User, school_slug: str | None) -> ExportScope:
    """What `user` may download: the visits they may see, of one school if named.

    Decided once, not per row: a lead sees every visit of the schools they lead, so those
    schools are named outright and the per-visit rule is left for the others.
    """
    school = None
    if school_slug:
        school = _school_by_slug(school_slug)
        if not may_export_school(user, school.id):
            raise UnknownSchool(school_slug)
    return ExportScope(visible_visits_in_scope(user, school.id if school else None), school)


def operator_scope(school_slug: str | None) -> ExportScope:
    return ExportScope(None, _school_by_slug(school_slug) if school_slug else None)


class UnknownCycle(LookupError):
    """No such cycle, or one of a school the user may not see: answered as not found."""


def _cycle(cycle_text: str | None, school_slug: str | None):
    """The cycle a `cycle=` (or --cycle) names; a school named beside it must be its own."""
    text = (cycle_text or "").strip()
    if not text.isdigit():
        raise ExportInputError("Choose a cycle by its number, like cycle=3.", "cycle")
    cycle = cycle_by_id(int(text))
    if cycle is None:
        raise UnknownCycle(text)
    if school_slug and school_slug != cycle.school.slug:
        raise ExportInputError(
            f"Cycle {cycle.id} is {cycle.school.name}'s ({cycle.school.slug}): "
            "leave the school out, or name that one.",
            "school",
        )
    return cycle


def user_cycle_scope(
    user: User, cycle_text: str | None, school_slug: str | None
) -> tuple[ExportScope, Period]:
    """A cycle's visits `user` may see: the cycle's days in its own school (a cycle is one
    school's, so it names the school too)."""
    cycle = _cycle(cycle_text, school_slug)
    if not may_export_school(user, cycle.school_id):
        raise UnknownCycle(cycle_text)
    visible = visible_visits_in_scope(user, cycle.school_id)
    return ExportScope(visible, cycle.school), cycle_period(cycle)


def operator_cycle_scope(
    cycle_text: str | None, school_slug: str | None
) -> tuple[ExportScope, Period]:
    cycle = _cycle(cycle_text, school_slug)
    return ExportScope(None, cycle.school), cycle_period(cycle)


def _utc_windows(period: Period, scope: ExportScope) -> UtcWindows:
    """The period as a UTC window per distinct school timezone (usually one or two)."""
    zones = sa.select(School.timezone).distinct()
    if scope.school is not None:
        zones = zones.where(School.id == scope.school.id)
    return {zone: period.utc_window(zone) for zone in db.session.scalars(zones)}


def scoped_rows(scope: ExportScope, windows: UtcWindows) -> sa.Select:
    """Visits in scope whose start falls in their own school's window, with their school's
    and step's cells: what both paths start from (no people, no photos, no order)."""
    in_own_window = sa.or_(
        *(
            sa.and_(School.timezone == zone, Visit.started_at >= start, Visit.started_at < end)
            for zone, (start, end) in windows.items()
        )
    )
    query = (
        sa.select(
            Visit.id,
            Visit.started_at,
            Visit.coach_id,
            Visit.teacher_id,
            School.name.label("school"),
            School.timezone,
            Visit.class_name,
            Visit.subject,
            Visit.duration_minutes,
            Visit.notes,
            ActionStep.text.label("action_step"),
            LibraryStep.category,
            ActionStep.status,
            ActionStep.acknowledged_at,
        )
        .join(School, School.id == Visit.school_id)
        .outerjoin(ActionStep, ActionStep.id == Visit.action_step_id)
        .outerjoin(LibraryStep, LibraryStep.id == ActionStep.library_step_id)
        .where(in_own_window)
    )
    if scope.visible is not None:
        query = query.where(scope.visible)
    if scope.school is not None:
        query = query.where(Visit.school_id == scope.school.id)
    return query


def visit_rows_query(scope: ExportScope, windows: UtcWindows) -> sa.Select:
    """scoped_rows with the coach's and teacher's names and emails and the photo count,
    ordered by start: the rows visit_cells makes a line of."""
    coach, teacher = aliased(User), aliased(User)
    photo_count = (
        sa.select(sa.func.count(Photo.id)).where(Photo.visit_id == Visit.id).scalar_subquery()
    )
    people = [
        coach.name.label("coach"),
        coach.email.label("coach_email"),
        teacher.name.label("teacher"),
        teacher.email.label("teacher_email"),
    ]
    return (
        scoped_rows(scope, windows)
        .add_columns(*people, photo_count.label("photos"))
        .join(coach, coach.id == Visit.coach_id)
        .join(teacher, teacher.id == Visit.teacher_id)
        .order_by(Visit.started_at, Visit.id)
    )


def visit_cells(row) -> list[str]:
    """One CSV row; times in the school's own timezone, with their offset."""
    started = local_time(row.started_at, row.timezone)
    return [
        str(row.id),
        started.date().isoformat(),
        iso_week_label(started.date()),
        row.school,
        row.coach,
        row.coach_email,
        row.teacher,
        row.teacher_email,
        row.class_name,
        row.subject,
        started.isoformat(timespec="seconds"),
        str(row.duration_minutes),
        row.notes,
        row.action_step or "",
        row.category or "",
        row.status or "",
        local_iso(row.acknowledged_at, row.timezone),
        str(row.photos),
    ]


def _row_batches(scope: ExportScope, period: Period) -> Iterator[list[list[str]]]:
    """Rows in batches of BATCH_SIZE, one query per SLICE of time in start order.

    Slicing keeps the first row quick however long the period: the database sorts one
    week at a time instead of a whole year before it answers.
    """
    windows = _utc_windows(period, scope)
    if not windows:
        return
    query = visit_rows_query(scope, windows)
    slice_start = min(start for start, _ in windows.values())
    latest = max(end for _, end in windows.values())
    while slice_start < latest:
        slice_end = min(slice_start + SLICE, latest)
        in_slice = query.where(Visit.started_at >= slice_start, Visit.started_at < slice_end)
        result = db.session.execute(in_slice.execution_options(yield_per=BATCH_SIZE))
        for partition in result.partitions():
            yield [visit_cells(row) for row in partition]
        slice_start = slice_end


def visits_counted(scope: ExportScope, period: Period) -> int:
    """How many rows the period's CSV has: said before a download, so none comes empty."""
    rows = scoped_rows(scope, _utc_windows(period, scope)).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(rows))


def visits_csv(scope: ExportScope, period: Period) -> Iterator[bytes]:
    """The whole file as a stream of byte chunks, header first. On PostgreSQL the
    database formats the lines (app.exports.postgres); elsewhere Python does."""
    if postgres.is_postgres():
        return _postgres_csv(scope, period)
    return csv_bytes(HEADER, _row_batches(scope, period))


def _postgres_csv(scope: ExportScope, period: Period) -> Iterator[bytes]:
    yield from csv_bytes(HEADER, [])
    windows = _utc_windows(period, scope)
    if windows:
        yield from postgres.csv_chunks(scoped_rows(scope, windows), windows, period)
