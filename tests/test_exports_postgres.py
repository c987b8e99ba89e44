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
from tests.factories import make_school, make_trust, make_user, make_visit

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
                datetime(2026, 12, 26, index, 59, 59, 987654, tzinfo=UTC)
                + timedelta(days=index % 8),
                step_text=text or "x",
                class_name=text,
                subject=AWKWARD_TEXT[-index - 1],
                notes=text * 3,
            )
            if index % 2:
                visit.action_step.acknowledged_at = datetime(2027, 1, 2, 3, 4, 5, 600, tzinfo=UTC)
    db.session.flush()


def test_database_lines_match_python_lines(awkward_visits):
    period = parse_date_range(date(2026, 12, 26).isoformat(), date(2027, 1, 5).isoformat())
    scope = operator_scope(None)
    from_sql = b"".join(visits_csv(scope, period))
    from_python = b"".join(csv_bytes(HEADER, _row_batches(scope, period)))
    assert from_sql.count(b"\r\n") > 4 * len(AWKWARD_TEXT)
    assert from_sql == from_python


def test_lines_cut_into_many_copy_rows_join_back_exactly(awkward_visits, monkeypatch):
    """COPY sends LINES_PER_ROW lines a row: cut after every 3 lines, nothing moves."""
    import app.exports.postgres as postgres

    monkeypatch.setattr(postgres, "LINES_PER_ROW", 3)
    period = parse_date_range(date(2026, 12, 26).isoformat(), date(2027, 1, 5).isoformat())
    scope = operator_scope(None)
    chunks = list(visits_csv(scope, period))
    from_python = b"".join(csv_bytes(HEADER, _row_batches(scope, period)))
    assert len(chunks) > 10
    assert b"".join(chunks) == from_python
