"""The year's visits CSV as a trust lead of 100 schools, at 50,000 and at 200,000 visits,
beside `psql \\copy` of the same rows (the same joins, in the same order) to a file.

Measures the whole download through the web route (streamed, read to the end), the median
of three taken in turn with psql's, and its peak Python memory (tracemalloc, one more
download). `python -m bench exports` (two to three minutes: most of it is making the
visits).
"""

from __future__ import annotations

import random
import statistics
import subprocess
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from bench import support
from bench.table import Row, at_least

GOAL = 0.5
SIZES = (50_000, 200_000)
NOTES = (
    "Calm start, task on the board; most pupils settled quickly.\n"
    'Hinge question on mini-whiteboards, two pupils unsure, "retaught" with a model.'
)
#: What psql copies: the export's rows, raw (no local times, no formula guard).
COPY_QUERY = """
SELECT v.id, v.started_at, s.name, s.timezone, c.name, c.email, t.name, t.email,
       v.class_name, v.subject, v.duration_minutes, v.notes, a.text, l.category, a.status,
       a.acknowledged_at, (SELECT count(*) FROM photo p WHERE p.visit_id = v.id)
FROM visit v
JOIN school s ON s.id = v.school_id
JOIN "user" c ON c.id = v.coach_id
JOIN "user" t ON t.id = v.teacher_id
LEFT JOIN action_step a ON a.id = v.action_step_id
LEFT JOIN library_step l ON l.id = a.library_step_id
WHERE v.started_at >= '{start}' AND v.started_at < '{end}'
ORDER BY v.started_at, v.id
"""


def add_visits(trust: dict, count: int, rng: random.Random) -> None:
    """`count` visits spread over the last year, each with its action step."""
    from app.extensions import db
    from app.models import ActionStep, Visit

    now = datetime.now(UTC)
    next_step = (db.session.scalar(sa.select(sa.func.max(ActionStep.id))) or 0) + 1
    for start in range(0, count, 20_000):
        visits, steps = [], []
        for _ in range(min(20_000, count - start)):
            school_id = rng.choice(trust["school_ids"])
            teachers, coaches = trust["staff"][school_id]
            started_at = now - timedelta(seconds=rng.randrange(364 * 86400))
            visit_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            teacher_id = rng.choice(teachers)
            # Each visit sets its own step, already closed: a teacher has at most one live.
            steps.append(
                {
                    "id": next_step,
                    "teacher_id": teacher_id,
                    "school_id": school_id,
                    "status": "replaced",
                    "reflection": "",
                    "text": "Ask the question, pause three seconds, then name who answers",
                    "set_at": started_at,
                    "closed_at": started_at,
                    "created_at": started_at,
                }
            )
            visits.append(
                {
                    "id": visit_id,
                    "school_id": school_id,
                    "coach_id": rng.choice(coaches),
                    "teacher_id": teacher_id,
                    "started_at": started_at,
                    "duration_minutes": 10,
                    "class_name": "Year 8",
                    "subject": "Maths",
                    "notes": NOTES,
                    "captured_offline": False,
                    "expected_photo_ids": [],
                    "created_at": started_at,
                    "updated_at": started_at,
                    "action_step_id": next_step,
                }
            )
            next_step += 1
        support._insert(ActionStep.__table__, steps)
        support._insert(Visit.__table__, visits)
        db.session.commit()
    db.session.execute(sa.text("SELECT setval('action_step_id_seq', :n)"), {"n": next_step})
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def year() -> tuple[date, date]:
    today = date.today()
    return today - timedelta(days=365), today


def download(client) -> tuple[float, int, int]:
    """(seconds, bytes, data rows) of the year's CSV, read to the end."""
    first, last = year()
    started = time.perf_counter()
    response = client.get(f"/exports/visits.csv?from={first}&to={last}", buffered=False)
    assert response.status_code == 200, response.status_code
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\r\n")
    response.close()
    return time.perf_counter() - started, size, lines - 1


def peak_memory(client) -> int:
    tracemalloc.start()
    download(client)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def psql_copy(url: str) -> float:
    """Seconds for `psql \\copy` of the same rows (a day either side of the year: the
    export's windows follow each school's timezone) to a file."""
    first, last = year()
    query = COPY_QUERY.format(start=first - timedelta(days=1), end=last + timedelta(days=2))
    dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    command = ["psql", "-X", "-q", dsn, "-c", f"\\copy ({' '.join(query.split())}) TO STDOUT CSV"]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        subprocess.run(command, stdout=output, check=True)
    return time.perf_counter() - started


def medians_of_turns(url: str, client, turns: int = 3) -> tuple[float, tuple[float, int, int]]:
    """psql's seconds and our (seconds, bytes, rows), each the median of `turns` taken in
    turn, so a moment of load on the shared machine falls on both."""
    copies, downloads = [], []
    for _ in range(turns):
        copies.append(psql_copy(url))
        downloads.append(download(client))
    downloads.sort()
    return statistics.median(copies), downloads[len(downloads) // 2]


def _row(label: str, seconds: float, rows: int, size: int, peak: int, copy: float) -> Row:
    ratio, met = at_least(copy / seconds, GOAL)
    return Row(
        f"CSV export of a year, {label} visits",
        f"{seconds:.2f} s ({rows / seconds:,.0f} rows/s, {size / 1e6:.0f} MB, "
        f"peak {peak / 1e6:.1f} MB)",
        f"psql \\copy {copy:.2f} s",
        ratio,
        f"≥ {GOAL} of COPY's speed",
        met,
    )


def measure() -> list[Row]:
    rows = []
    rng = random.Random(47)  # noqa: S311  (repeatable data, not secrets)
    with support.throwaway_postgres() as url:
        app = support.make_app(url)
        with app.app_context():
            trust = support.make_large_trust()
        made = 0
        for size in SIZES:
            with app.app_context():
                add_visits(trust, size - made, rng)
            made = size
            client = support.signed_in_client(app, "trust.lead@large.bench")
            copy, (seconds, length, lines) = medians_of_turns(url, client)
            peak = peak_memory(client)
            print(
                f"  {lines:,} rows: {seconds:.2f} s, psql \\copy {copy:.2f} s, "
                f"peak Python memory {peak / 1e6:.1f} MB",
                flush=True,
            )
            rows.append(_row(f"{size // 1000}k", seconds, lines, length, peak, copy))
        with app.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()
    return rows
