"""Exports and coverage on PostgreSQL: a year of a large trust (100 schools, 200,000 visits).

Measures, on a throwaway database (made on BENCH_DATABASE_URL's server, default the local
one, and dropped afterwards):
- the year's CSV download as a trust lead: time to the first byte, to the first visit row,
  total time, and peak Python memory (tracemalloc) at 20,000 and at 200,000 visits;
- the coverage page (full page and htmx fragment) for a school lead of 120 teachers.

Run: `python -m bench.exports` (about two minutes on the 2-core machine).
"""

from __future__ import annotations

import os
import random
import statistics
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models import ActionStep, CoachingPair, Membership, School, Trust, TrustRole, User, Visit

SERVER_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SCHOOLS = 100
TEACHERS_PER_SCHOOL = 120
COACHES_PER_SCHOOL = 4
PASSWORD = "bench-password"  # noqa: S105  (a throwaway database)
NOTES = (
    "Calm start, task on the board; most pupils settled quickly.\n"
    'Hinge question on mini-whiteboards, two pupils unsure, "retaught" with a model.'
)


def throwaway_database() -> tuple[str, sa.URL]:
    server = sa.make_url(SERVER_URL)
    name = f"dropin_bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name, server


def drop_database(name: str, server: sa.URL) -> None:
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def insert(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), 5000):
        db.session.execute(table.insert(), rows[start : start + 5000])


def make_trust() -> dict:
    """100 schools (ten on Dubai time), 120 teachers and 4 coaches each, every teacher
    paired with a coach; a trust lead and a lead of the first school."""
    trust = Trust(name="Large Trust")
    db.session.add(trust)
    db.session.flush()
    insert(
        School.__table__,
        [
            {
                "trust_id": trust.id,
                "name": f"School {n:03d}",
                "slug": f"school-{n:03d}",
                "timezone": "Asia/Dubai" if n % 10 == 0 else "Europe/London",
                "cadence": "weekly" if n % 2 else "fortnightly",
                "created_at": datetime.now(UTC),
            }
            for n in range(SCHOOLS)
        ],
    )
    school_ids = list(db.session.scalars(sa.select(School.id).order_by(School.id)))
    people = []
    for n, _ in enumerate(school_ids):
        people += [
            {"email": f"t{t}@s{n}.bench", "name": f"Teacher {t} of {n}"}
            for t in range(TEACHERS_PER_SCHOOL)
        ]
        people += [
            {"email": f"c{c}@s{n}.bench", "name": f"Coach {c} of {n}"}
            for c in range(COACHES_PER_SCHOOL)
        ]
    insert(User.__table__, [{**p, "active": True, "created_at": datetime.now(UTC)} for p in people])
    ids = dict(db.session.execute(sa.select(User.email, User.id)).all())
    memberships, pairs, staff = [], [], {}
    since = date.today() - timedelta(days=400)
    for n, school_id in enumerate(school_ids):
        teachers = [ids[f"t{t}@s{n}.bench"] for t in range(TEACHERS_PER_SCHOOL)]
        coaches = [ids[f"c{c}@s{n}.bench"] for c in range(COACHES_PER_SCHOOL)]
        staff[school_id] = (teachers, coaches)
        memberships += [{"user_id": t, "school_id": school_id, "role": "teacher"} for t in teachers]
        memberships += [{"user_id": c, "school_id": school_id, "role": "coach"} for c in coaches]
        pairs += [
            {
                "school_id": school_id,
                "coach_id": coaches[i % COACHES_PER_SCHOOL],
                "teacher_id": t,
                "since": since,
            }
            for i, t in enumerate(teachers)
        ]
    insert(Membership.__table__, memberships)
    insert(CoachingPair.__table__, pairs)
    trust_lead = User(email="trust.lead@large.bench", name="Trust Lead")
    school_lead = User(email="school.lead@large.bench", name="School Lead")
    for lead in (trust_lead, school_lead):
        lead.set_password(PASSWORD)
        db.session.add(lead)
    db.session.flush()
    db.session.add(TrustRole(user_id=trust_lead.id, trust_id=trust.id, role="trust_lead"))
    db.session.add(Membership(user_id=school_lead.id, school_id=school_ids[0], role="lead"))
    db.session.commit()
    return {"school_ids": school_ids, "staff": staff}


def add_visits(trust: dict, count: int, rng: random.Random) -> None:
    """`count` visits spread over the last year, each with its action step."""
    now = datetime.now(UTC)
    for start in range(0, count, 20_000):
        visits, steps = [], []
        for _ in range(min(20_000, count - start)):
            school_id = rng.choice(trust["school_ids"])
            teachers, coaches = trust["staff"][school_id]
            started_at = now - timedelta(seconds=rng.randrange(364 * 86400))
            visit_id = uuid.uuid4()
            visits.append(
                {
                    "id": visit_id,
                    "school_id": school_id,
                    "coach_id": rng.choice(coaches),
                    "teacher_id": rng.choice(teachers),
                    "started_at": started_at,
                    "duration_minutes": 10,
                    "class_name": "Year 8",
                    "subject": "Maths",
                    "notes": NOTES,
                    "captured_offline": False,
                    "expected_photo_ids": [],
                    "created_at": started_at,
                    "updated_at": started_at,
                }
            )
            steps.append(
                {
                    "visit_id": visit_id,
                    "status": "practising",
                    "reflection": "",
                    "text": "Ask the question, pause three seconds, then name who answers",
                }
            )
        insert(Visit.__table__, visits)
        insert(ActionStep.__table__, steps)
        db.session.commit()
    db.session.execute(sa.text("ANALYZE"))


def signed_in_client(app, email: str):
    """A client signed in through the form. Requests run outside any pushed app context,
    as in production (inside one, Flask-Login would keep the first user in `g`)."""
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf-token" content="')[1].split('"')[0]
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    return client


def year_url() -> str:
    today = date.today()
    return f"/exports/visits.csv?from={(today - timedelta(days=365)).isoformat()}&to={today}"


def time_download(client) -> dict:
    """Stream the year's CSV; time to the first chunk, the first visit row, the end."""
    started = time.perf_counter()
    response = client.get(year_url(), buffered=False)
    chunks = iter(response.response)
    first = next(chunks)
    first_byte = time.perf_counter() - started
    first_row = None
    total_bytes, lines = len(first), first.count(b"\r\n")
    for chunk in chunks:
        if first_row is None:
            first_row = time.perf_counter() - started
        total_bytes += len(chunk)
        lines += chunk.count(b"\r\n")
    response.close()
    return {
        "first_byte": first_byte,
        "first_row": first_row or first_byte,
        "total": time.perf_counter() - started,
        "bytes": total_bytes,
    }


def peak_memory(client) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    response = client.get(year_url(), buffered=False)
    for _ in response.response:
        pass
    response.close()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def measure_export(app, label: str) -> None:
    client = signed_in_client(app, "trust.lead@large.bench")
    with app.app_context():
        visits = db.session.scalar(sa.select(sa.func.count(Visit.id)))
    best = time_download(client)
    peak = peak_memory(client)
    print(
        f"{label}: {visits:,} visits, {best['bytes'] / 1e6:.1f} MB CSV | first byte "
        f"{best['first_byte'] * 1000:.0f} ms, first visit row {best['first_row'] * 1000:.0f} ms,"
        f" total {best['total']:.2f} s ({visits / best['total']:,.0f} rows/s) | "
        f"peak Python memory {peak / 1e6:.2f} MB",
        flush=True,
    )


def measure_coverage(app) -> None:
    client = signed_in_client(app, "school.lead@large.bench")
    for label, headers in (("full page", {}), ("htmx table", {"HX-Request": "true"})):
        timings = []
        for _ in range(7):
            started = time.perf_counter()
            response = client.get("/coverage", headers=headers)
            assert response.status_code == 200
            timings.append(time.perf_counter() - started)
        print(
            f"coverage, school of {TEACHERS_PER_SCHOOL} teachers, {label}: median "
            f"{statistics.median(timings) * 1000:.0f} ms (min {min(timings) * 1000:.0f} ms)",
            flush=True,
        )
    client = signed_in_client(app, "trust.lead@large.bench")
    started = time.perf_counter()
    client.get("/coverage")
    print(
        f"coverage, trust lead of {SCHOOLS} schools ({SCHOOLS * TEACHERS_PER_SCHOOL:,} "
        f"teachers, first 300 rows shown): {(time.perf_counter() - started) * 1000:.0f} ms",
        flush=True,
    )


def main() -> None:
    name, server = throwaway_database()
    url = server.set(database=name).render_as_string(hide_password=False)
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(47)  # noqa: S311  (repeatable data, not secrets)
    try:
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            trust = make_trust()
            add_visits(trust, 20_000, rng)
            print(
                f"setup: {SCHOOLS} schools, {SCHOOLS * TEACHERS_PER_SCHOOL:,} teachers, 20,000 "
                f"visits in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
        measure_export(app, "year export, 20k")
        with app.app_context():
            started = time.perf_counter()
            add_visits(trust, 180_000, rng)
            print(
                f"setup: 180,000 more visits in {time.perf_counter() - started:.1f} s", flush=True
            )
        measure_export(app, "year export, 200k")
        measure_coverage(app)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(name, server)


if __name__ == "__main__":
    main()
