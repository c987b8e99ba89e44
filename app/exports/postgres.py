"""The visits CSV made by PostgreSQL: `COPY (…) TO STDOUT (FORMAT csv)` of cells already
formatted in SQL, so Python only joins lines into chunks (no per-cell work).

The bytes are exactly those of the Python path (services.visit_cells + csv_writer):
- the same local times and offsets, the same formula guard;
- COPY's CSV quoting is Python's csv.QUOTE_MINIMAL: a cell with a comma, a quote, CR or
  LF is quoted, quotes doubled. An empty cell is sent as NULL, which COPY leaves
  unquoted (it would write a non-NULL empty string as "");
- COPY ends each row with LF (one row a message), Python's csv with CRLF: the rows are
  joined with CRLF here, and a line break inside a quoted cell stays as it is.

Fast because:
- one query for the whole period, with nothing that must run in the leading process (no
  correlated subquery, no OFFSET): PostgreSQL formats the rows in parallel workers;
- what repeats across rows is made once, in Python, and looked up: each day's date and
  ISO week, and each timezone's UTC offset between its clock changes (a row's local
  time is its UTC time plus that offset, not a timezone conversion per cell).
Memory stays flat however long the year: COPY streams.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.exports.csv_writer import FORMULA_STARTS, SKIPPED_BEFORE_FORMULA
from app.extensions import db
from app.localtime import Period, UtcWindows, iso_week_label, local_iso, offset_spans
from app.models import Photo, User, Visit

#: CSV lines in each chunk handed on to the response (about 400 bytes each).
LINES_PER_CHUNK = 1000
#: How far either side of the period the looked-up offsets reach (a visit may revisit a
#: step acknowledged before it; a step is acknowledged after its visit). Times further
#: away are converted by PostgreSQL itself, a little slower.
AROUND_PERIOD = timedelta(days=92)
#: `timestamp::text` and `date::text` in ISO form, `timestamptz::timestamp` in UTC. JIT
#: compiling costs more than it saves here.
_SETTINGS = ("TimeZone = 'UTC'", "DateStyle = 'ISO, YMD'", "jit = off")
_FORMULA_CODES = [ord(sign) for sign in FORMULA_STARTS]
_ISO_SECONDS = len("2026-11-23T09:15:00")


def _guarded(cell):
    """csv_writer.neutralise_formula in SQL, and "" as NULL. The costly part (NFKC after
    leading spaces) only runs for a cell starting with a space or a non-ASCII character:
    an ASCII start is its own normal form, so the first test has already answered."""
    quoted = sa.literal("'", sa.Text).op("||")(cell)
    first = sa.func.ascii(cell)
    rest = sa.func.ltrim(cell, sa.literal(SKIPPED_BEFORE_FORMULA, sa.Text))
    hidden_formula = sa.and_(
        sa.or_(first == ord(" "), first > 127),
        sa.func.ascii(sa.func.normalize(rest, sa.literal_column("NFKC"))).in_(_FORMULA_CODES),
    )
    guarded = sa.case((first.in_(_FORMULA_CODES), quoted), (hidden_formula, quoted), else_=cell)
    return sa.func.nullif(guarded, "")


def _clock_changes(windows: UtcWindows) -> sa.Values:
    """Each timezone's UTC offset over stretches (since, until) around the period (after
    it, not past tomorrow), with the offset as Python's isoformat writes it."""
    start = min(start for start, _ in windows.values()) - AROUND_PERIOD
    period_end = max(end for _, end in windows.values())
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    end = max(period_end, min(period_end + AROUND_PERIOD, tomorrow))
    spans = [
        (zone, since, until, offset, local_iso(since, zone)[_ISO_SECONDS:])
        for zone in windows
        for since, until, offset in offset_spans(zone, start, end)
    ]
    return sa.values(
        sa.column("zone", sa.Text),
        sa.column("since", sa.DateTime(timezone=True)),
        sa.column("until", sa.DateTime(timezone=True)),
        sa.column("shift", sa.Interval),
        sa.column("label", sa.Text),
        name="clock_changes",
    ).data(spans)


def _days(period: Period) -> sa.Values:
    """The period's days, each with its date and ISO week as the CSV writes them."""
    days = [
        period.first_day + timedelta(days=n)
        for n in range((period.last_day - period.first_day).days + 1)
    ]
    return sa.values(
        sa.column("day", sa.Date),
        sa.column("day_text", sa.Text),
        sa.column("week", sa.Text),
        name="days",
    ).data([(day, day.isoformat(), iso_week_label(day)) for day in days])


class _SchoolClock:
    """A row's UTC moment on its school's clock: the looked-up offset added, or, outside
    the looked-up stretches, PostgreSQL's own conversion."""

    def __init__(self, rows, moment, clock_changes: sa.Values):
        self.span = clock_changes.alias()
        self.joined_on = sa.and_(
            self.span.c.zone == rows.c.timezone,
            moment >= self.span.c.since,
            moment < self.span.c.until,
        )
        self.utc = sa.cast(moment, sa.DateTime)  # the session is on UTC (_SETTINGS)
        converted = sa.func.timezone(rows.c.timezone, moment)
        self.local = sa.func.coalesce(self.utc + self.span.c.shift, converted)

    def iso(self):
        """datetime.isoformat(timespec="seconds"): 2026-11-23T09:15:00+00:00 (NULL stays
        NULL: an empty cell)."""
        seconds = sa.cast(sa.func.date_trunc("second", self.local), sa.Text)
        ahead, behind = self.local - self.utc, self.utc - self.local
        worked_out = sa.case(
            (ahead < sa.text("interval '0'"), "-" + sa.func.to_char(behind, "HH24:MI")),
            else_="+" + sa.func.to_char(ahead, "HH24:MI"),
        )
        offset = sa.func.coalesce(self.span.c.label, worked_out)
        return sa.func.replace(seconds, " ", "T").op("||")(offset)


def _photo_counts(windows: UtcWindows) -> sa.Subquery:
    """Photos per visit of the period (every school's window inside its bounds): a join,
    not a correlated subquery, so the rows can still be made in parallel."""
    first = min(start for start, _ in windows.values())
    last = max(end for _, end in windows.values())
    return (
        sa.select(Photo.visit_id, sa.func.count().label("photos"))
        .join(Visit, Visit.id == Photo.visit_id)
        .where(Visit.started_at >= first, Visit.started_at < last)
        .group_by(Photo.visit_id)
        .subquery("photo_counts")
    )


def _cells(rows_query: sa.Select, windows: UtcWindows, period: Period) -> sa.Select:
    """The CSV's cells, in services.HEADER's order, of rows_query's visits in start order."""
    rows = rows_query.subquery("rows")
    coach, teacher = aliased(User), aliased(User)
    photos = _photo_counts(windows)
    clock_changes = _clock_changes(windows)
    started = _SchoolClock(rows, rows.c.started_at, clock_changes)
    acknowledged = _SchoolClock(rows, rows.c.acknowledged_at, clock_changes)
    days = _days(period)
    started_day = sa.cast(started.local, sa.Date)
    return (
        sa.select(
            sa.cast(rows.c.id, sa.Text),
            sa.func.coalesce(days.c.day_text, sa.cast(started_day, sa.Text)),
            sa.func.coalesce(days.c.week, sa.func.to_char(started.local, 'IYYY-"W"IW')),
            _guarded(rows.c.school),
            _guarded(coach.name),
            _guarded(coach.email),
            _guarded(teacher.name),
            _guarded(teacher.email),
            _guarded(rows.c.class_name),
            _guarded(rows.c.subject),
            started.iso(),
            sa.cast(rows.c.duration_minutes, sa.Text),
            _guarded(rows.c.notes),
            _guarded(rows.c.action_step),
            _guarded(rows.c.category),
            rows.c.status,
            acknowledged.iso(),
            sa.cast(sa.func.coalesce(photos.c.photos, 0), sa.Text),
        )
        .select_from(rows)
        .join(coach, coach.id == rows.c.coach_id)
        .join(teacher, teacher.id == rows.c.teacher_id)
        .outerjoin(photos, photos.c.visit_id == rows.c.id)
        .outerjoin(started.span, started.joined_on)
        .outerjoin(acknowledged.span, acknowledged.joined_on)
        .outerjoin(days, days.c.day == started_day)
        .order_by(rows.c.started_at, rows.c.id)
    )


def csv_chunks(rows_query: sa.Select, windows: UtcWindows, period: Period) -> Iterator[bytes]:
    """rows_query's visits (services.scoped_rows) as CSV lines, LINES_PER_CHUNK a chunk,
    in start order."""
    connection = db.session.connection()
    for setting in _SETTINGS:
        connection.exec_driver_sql(f"SET LOCAL {setting}")
    sql, params = _compiled(_cells(rows_query, windows, period), connection)
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            lines = []
            for row in copy:
                lines.append(row[:-1])  # without COPY's LF
                if len(lines) == LINES_PER_CHUNK:
                    yield b"\r\n".join(lines) + b"\r\n"
                    lines = []
            if lines:
                yield b"\r\n".join(lines) + b"\r\n"


def _compiled(query: sa.Select, connection) -> tuple[str, dict]:
    """The query's SQL and its parameters, bound as execute() would bind them (COPY takes
    them through psycopg's cursor, not SQLAlchemy's)."""
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    for name, process in compiled._bind_processors.items():
        if name in params:
            params[name] = process(params[name])
    return compiled.string, params


def is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"
