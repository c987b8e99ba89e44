"""The visits CSV made by PostgreSQL: every cell formatted in SQL, each row arriving as
its finished CSV line, so Python only joins lines into chunks (no per-cell work).

The bytes are exactly those of the Python path (services.visit_cells + csv_writer): the
same local times and offsets, the same formula guard, the same minimal quoting
(Python's csv.QUOTE_MINIMAL: a cell with a comma, a quote, CR or LF is quoted, quotes
doubled) and the same CRLF line ends. One query for the whole period, streamed out by
`COPY (…) TO STDOUT` (psycopg's cursor.copy()): no result rows, no Python per cell, and
memory stays flat however long the year. COPY's text format ends each line with LF and
writes a backslash, CR, LF and tab inside a line as escapes; `_unescaped` undoes that on
whole chunks (C-speed bytes.replace, no Python per row).
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.exports.csv_writer import FORMULA_STARTS
from app.extensions import db
from app.models import School, User

#: CSV lines in each row COPY sends (about 400 bytes each).
LINES_PER_ROW = 1000
_NEEDS_QUOTES = ('"', ",", "\r", "\n")
#: Cells guarded and quoted on every row; a person's and a school's cells are made once
#: each (_once_per); a status is one of four words (the table's CHECK), never guarded.
TEXT_COLUMNS = ("class_name", "subject", "notes", "action_step", "category")


def _joined(*parts):
    """parts joined with ||, NULL read as "" (concat() would look up every argument's
    output function on every row; || is resolved once, when the query is planned)."""
    texts = [
        sa.literal(part, sa.Text) if isinstance(part, str) else sa.func.coalesce(part, "")
        for part in parts
    ]
    joined = texts[0]
    for text in texts[1:]:
        joined = joined.op("||")(text)
    return joined


def _guarded(cell):
    """csv_writer.neutralise_formula in SQL."""
    return sa.case(
        (sa.func.left(cell, 1).in_(FORMULA_STARTS), sa.literal("'", sa.Text).op("||")(cell)),
        else_=cell,
    )


def _quoted(cell):
    """csv.QUOTE_MINIMAL in SQL (strpos: cheaper than a regular expression per cell)."""
    needs_quotes = sa.or_(*(sa.func.strpos(cell, char) > 0 for char in _NEEDS_QUOTES))
    return sa.case(
        (needs_quotes, _joined('"', sa.func.replace(cell, '"', '""'), '"')),
        else_=cell,
    )


def _cell(column):
    return _quoted(_guarded(column))


def _once_per(rows, model, key, *columns) -> sa.ColumnElement[str]:
    """The cells of the row's school or person, joined with commas: a LATERAL subquery
    on the id, which PostgreSQL memoizes, so each school or person is formatted once."""
    cells = [part for column in columns for part in (_cell(column), ",")][:-1]
    return (
        sa.select(_joined(*cells).label("cells"))
        .where(model.id == key)
        .offset(0)  # kept a subquery (not folded into the join), so it can be memoized
        .lateral(f"{model.__tablename__}_{key.name}_cells")
    )


def _prepared(rows) -> sa.Subquery:
    """Each value the line needs, computed once: local times, their offsets from UTC, the
    guarded and quoted text cells. OFFSET 0 keeps PostgreSQL from folding this into the
    outer query, which would compute each value again at every place the line uses it."""
    local_start = sa.func.timezone(rows.c.timezone, rows.c.started_at)
    local_ack = sa.func.timezone(rows.c.timezone, rows.c.acknowledged_at)
    school = _once_per(rows, School, rows.c.school_id, School.name)
    coach = _once_per(rows, User, rows.c.coach_id, User.name, User.email)
    teacher = _once_per(rows, User, rows.c.teacher_id, User.name, User.email)
    return (
        sa.select(
            rows.c.id,
            rows.c.started_at,
            local_start.label("local_start"),
            (local_start - sa.func.timezone("UTC", rows.c.started_at)).label("start_offset"),
            local_ack.label("local_ack"),
            (local_ack - sa.func.timezone("UTC", rows.c.acknowledged_at)).label("ack_offset"),
            rows.c.duration_minutes,
            rows.c.photos,
            rows.c.status,
            school.c.cells.label("school"),
            coach.c.cells.label("coach"),
            teacher.c.cells.label("teacher"),
            *(_cell(rows.c[name]).label(name) for name in TEXT_COLUMNS),
        )
        .select_from(rows)
        .join(school, sa.true())
        .join(coach, sa.true())
        .join(teacher, sa.true())
        .offset(0)
        .subquery("prepared")
    )


def _iso(local, offset):
    """datetime.isoformat(timespec="seconds") of a local time and its UTC offset, e.g.
    2026-11-23T09:15:00+00:00 (NULL stays NULL: an empty cell)."""
    return sa.case(
        (offset.is_(None), None),
        (
            sa.func.extract("epoch", offset) < 0,
            _joined(
                sa.func.to_char(local, 'YYYY-MM-DD"T"HH24:MI:SS-'),
                sa.func.to_char(-offset, "HH24:MI"),
            ),
        ),
        else_=_joined(
            sa.func.to_char(local, 'YYYY-MM-DD"T"HH24:MI:SS+'), sa.func.to_char(offset, "HH24:MI")
        ),
    )


def csv_line(row) -> sa.ColumnElement[str]:
    """One CSV line, with its CRLF, in services.HEADER's order."""
    cells = [
        sa.cast(row.id, sa.Text),
        sa.func.to_char(row.local_start, 'YYYY-MM-DD,IYYY-"W"IW'),  # date, week
        row.school,
        row.coach,  # name, email
        row.teacher,  # name, email
        row.class_name,
        row.subject,
        _iso(row.local_start, row.start_offset),
        sa.cast(row.duration_minutes, sa.Text),
        row.notes,
        row.action_step,
        row.category,
        row.status,
        _iso(row.local_ack, row.ack_offset),
        sa.cast(row.photos, sa.Text),
    ]
    separated = [part for cell in cells for part in (cell, ",")][:-1]
    # NULL reads as "": an absent step or acknowledgement is an empty cell.
    return _joined(*separated, "\r\n")


def _batches(rows_query: sa.Select) -> sa.Select:
    """The lines, LINES_PER_ROW of them joined into each result row, in start order: the
    Python side then handles a few hundred rows, not one per visit."""
    prepared = _prepared(rows_query.order_by(None).subquery("rows"))
    order = (prepared.c.started_at, prepared.c.id)
    numbered = sa.select(
        csv_line(prepared.c).label("line"),
        *order,
        ((sa.func.row_number().over(order_by=order) - 1) // LINES_PER_ROW).label("batch"),
    ).subquery("numbered")
    in_order = aggregate_order_by(sa.literal_column("''"), numbered.c.started_at, numbered.c.id)
    joined = sa.func.string_agg(numbered.c.line, in_order)
    return sa.select(joined).group_by(numbered.c.batch).order_by(numbered.c.batch)


def csv_chunks(rows_query: sa.Select) -> Iterator[bytes]:
    """The query's rows as CSV lines, LINES_PER_ROW lines a chunk, in start order."""
    connection = db.session.connection()
    # Its cost estimate sets off JIT compilation, which takes longer than the query saves.
    connection.exec_driver_sql("SET LOCAL jit = off")
    compiled = _batches(rows_query).compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    for name, process in compiled._bind_processors.items():  # as execute() would bind them
        if name in params:
            params[name] = process(params[name])
    copy_sql = f"COPY ({compiled.string}) TO STDOUT"
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(copy_sql, params) as copy:
            for data in copy:
                yield _unescaped(bytes(data))


#: COPY's text-format escapes inside a row (a row is never NULL, so no \N).
_ESCAPES = ((b"\\n", b"\n"), (b"\\r", b"\r"), (b"\\t", b"\t"))
_ESCAPES += ((b"\\b", b"\b"), (b"\\f", b"\f"), (b"\\v", b"\v"))


def _unescaped(row: bytes) -> bytes:
    """One COPY text row (LF-terminated, escaped) as the CSV lines it holds (raw, each
    with its CRLF). A raw LF only ever ends the row. A NUL byte (never in PostgreSQL
    text) stands in for an escaped backslash while the other escapes are undone."""
    row = row.removesuffix(b"\n").replace(b"\\\\", b"\0")
    for escaped, raw in _ESCAPES:
        row = row.replace(escaped, raw)
    return row.replace(b"\0", b"\\")


def is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"
