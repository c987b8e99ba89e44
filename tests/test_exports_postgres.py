"""On PostgreSQL the database formats the CSV lines: the same bytes as the Python path for
the cells most likely to differ (half-hour and negative offsets, fractions of a second,
empty cells, every formula start, quotes and line breaks, a year-end ISO week)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.exports.csv_writer import csv_bytes
from app.exports.periods import parse_date_range
from app.exports.services import HEADER, _row_batches, operator_scope, visits_csv
from app.extensions import db
from tests.factories import (
    make_library_step,
    make_photo,
    make_school,
    make_trust,
    make_user,
    make_visit,
)

AWKWARD_TEXT = [
    "",
    "=1+1",
    "+44 20",
    "-minus",
    "@at",
    "\tTab",
    "\rCR",
    'say "hi"',
    "a,b",
    "line\nbreak",
    "crlf\r\nend",
    "'quoted",
    "Ünïcödé ☕ 桜",
    " leading space",
    # COPY escapes these inside a line; the CSV has them raw.
    "C:\\temp\\new\\",
    "two \\\\ backslashes, \\N",
    "vt\x0b ff\x0c bs\x08 end",
    # Formulas a spreadsheet still runs: after spaces of any kind, or in full width.
    " =1+1",
    "\u00a0=HYPERLINK(1)",
    "\u3000@SUM(A1)",
    "＝1+1",
    " ＋44",
    "﹣minus",
    # Not formulas: a sign later on, full-width letters, a lone backslash-dot (COPY's end).
    "a=b",
    "ＡＢＣ",
    "\\.",
]


@pytest.fixture
def awkward_visits(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the SQL-formatted path runs on PostgreSQL only")
    trust = make_trust("Awkward Trust")
    schools = [
        make_school(trust, slug, timezone=zone)
        for slug, zone in (
            ("kolkata", "Asia/Kolkata"),
            ("st-johns", "America/St_Johns"),
            ("new-york", "America/New_York"),
            ("kiritimati", "Pacific/Kiritimati"),
        )
    ]
    for number, school in enumerate(schools):
        coach = make_user(f"c{number}@example.test", name=AWKWARD_TEXT[number + 1])
        teacher = make_user(f"t{number}@example.test", name=AWKWARD_TEXT[-number - 1])
        for index, text in enumerate(AWKWARD_TEXT):
            visit = make_visit(
                coach,
                teacher,
                school,
                datetime(2026, 12, 26, index % 24, 59, 59, 987654, tzinfo=UTC)
                + timedelta(days=index % 8),
                step_text=text or "x",
                class_name=text,
                subject=AWKWARD_TEXT[-index - 1],
                notes=text * 3,
            )
            if index % 2:
                visit.action_step.acknowledged_at = datetime(2027, 1, 2, 3, 4, 5, 600, tzinfo=UTC)
            if index % 3 == 0:
                category = AWKWARD_TEXT[(index + number) % len(AWKWARD_TEXT)] or "x"
                visit.action_step.library_step = make_library_step(trust, category=category)
            for _ in range(index % 4):
                make_photo(visit)
    db.session.flush()


def test_database_lines_match_python_lines(awkward_visits):
    period = parse_date_range(date(2026, 12, 26).isoformat(), date(2027, 1, 5).isoformat())
    scope = operator_scope(None)
    from_sql = b"".join(visits_csv(scope, period))
    from_python = b"".join(csv_bytes(HEADER, _row_batches(scope, period)))
    assert from_sql.count(b"\r\n") > 4 * len(AWKWARD_TEXT)
    assert from_sql == from_python


def test_lines_cut_into_many_chunks_join_back_exactly(awkward_visits, monkeypatch):
    """COPY's rows are joined LINES_PER_CHUNK lines a chunk: cut after every 3 lines,
    nothing moves (a line break inside a quoted cell stays inside its line)."""
    import app.exports.postgres as postgres

    monkeypatch.setattr(postgres, "LINES_PER_CHUNK", 3)
    period = parse_date_range(date(2026, 12, 26).isoformat(), date(2027, 1, 5).isoformat())
    scope = operator_scope(None)
    chunks = list(visits_csv(scope, period))
    from_python = b"".join(csv_bytes(HEADER, _row_batches(scope, period)))
    assert len(chunks) > 10
    assert b"".join(chunks) == from_python


#: Clock changes of 2026 (UTC), each school's visits placed a second either side of one.
CLOCK_CHANGES = {
    "Europe/London": datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    "America/St_Johns": datetime(2026, 3, 8, 5, 30, tzinfo=UTC),
    "Australia/Lord_Howe": datetime(2026, 4, 4, 15, 0, tzinfo=UTC),  # half an hour back
}
#: Acknowledgements inside the looked-up offsets (the period and three months either
#: side), and outside them (earlier, later), which PostgreSQL converts itself.
ACKNOWLEDGED = [
    datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),
    datetime(2026, 4, 4, 15, 0, 0, 1, tzinfo=UTC),
    datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 0, 0, 1, tzinfo=UTC),
    datetime(2024, 6, 1, 12, tzinfo=UTC),
    datetime(2040, 7, 1, 23, 30, tzinfo=UTC),
    None,
]


def test_lines_match_python_across_clock_changes(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the SQL-formatted path runs on PostgreSQL only")
    trust = make_trust("Clock Trust")
    coach = make_user("clock.coach@example.test")
    for number, (zone, change) in enumerate(CLOCK_CHANGES.items()):
        school = make_school(trust, f"clock-{number}", timezone=zone)
        teacher = make_user(f"clock.t{number}@example.test")
        for index, seconds in enumerate((-3601, -1, 0, 1, 1799, 3600, 86399)):
            visit = make_visit(coach, teacher, school, change + timedelta(seconds=seconds))
            visit.action_step.acknowledged_at = ACKNOWLEDGED[(index + number) % len(ACKNOWLEDGED)]
    db.session.flush()
    period = parse_date_range("2026-03-01", "2026-04-30")
    scope = operator_scope(None)
    from_sql = b"".join(visits_csv(scope, period))
    from_python = b"".join(csv_bytes(HEADER, _row_batches(scope, period)))
    assert from_sql.count(b"\r\n") == 1 + 7 * len(CLOCK_CHANGES)
    assert b"+10:30" in from_sql and b"+11:00" in from_sql and b"-02:30" in from_sql
    assert from_sql == from_python
