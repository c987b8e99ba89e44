"""The sync PUT as a coach: new visits per second under gunicorn (4 workers) with wrk (16
connections), beside bare Flask + Flask-SQLAlchemy doing one INSERT … ON CONFLICT and a
commit on the same database; and database round trips per PUT, counted for both.

`python -m bench sync` (about a minute). Both servers run side by side and are measured in
turn, five times; the table shows the middle turn by ratio. Needs wrk and a PostgreSQL
server on loopback.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import support
from bench.table import Row, at_least, at_most

#: Each turn measures ours, then bare, for SECONDS each; the median turn's ratio counts.
TURNS = 5
SECONDS = 5
#: Coaches whose devices sync at once, each with 3 to 8 teachers (a real coach's load). Every
#: request is one coach's (picked at random) for one of their teachers: 16 connections all
#: setting steps for one coach's 3 teachers would mostly measure the one-live-step rule's
#: lock on each teacher, which makes them take turns.
COACHES = 16
WARM_UP_SECONDS = 3
SCRIPT = Path(__file__).with_name("put_visit.lua")
GOAL_RATIO = 0.35
GOAL_ROUND_TRIPS = 8


def _seed() -> dict:
    """One school; COACHES coaches of 3 to 8 teachers each (and four more coaches)."""
    from app.extensions import db
    from app.models import CoachingPair, Membership, School, Trust, User

    db.create_all()
    school = School(trust=Trust(name="Bench Trust"), name="Bench School", slug="bench")
    db.session.add(school)
    since = datetime.now(UTC).date() - timedelta(days=7)
    people = []
    for n in range(COACHES + 4):
        coach = User(email=f"coach{n}@bench.test", name=f"Coach {n}")
        coach.set_password(support.PASSWORD)
        teachers = [
            User(email=f"t{t}.{n}@bench.test", name=f"Teacher {t}.{n}") for t in range(3 + n % 6)
        ]
        db.session.add_all([coach, *teachers])
        db.session.flush()
        db.session.add(Membership(user_id=coach.id, school=school, role="coach"))
        for teacher in teachers:
            db.session.add(Membership(user_id=teacher.id, school=school, role="teacher"))
            db.session.add(
                CoachingPair(coach_id=coach.id, teacher_id=teacher.id, school=school, since=since)
            )
        people.append((coach, teachers))
    db.session.commit()
    coach, teachers = people[0]
    return {
        "school_id": school.id,
        "coach_id": coach.id,
        "coach_email": coach.email,
        "teacher_ids": [t.id for t in teachers],
        "coaches": [(c.email, [t.id for t in ts]) for c, ts in people[:COACHES]],
    }


def capture(teacher_id: int) -> dict:
    return {
        "teacher_id": teacher_id,
        "started_at": "2026-11-23T09:15:00+00:00",
        "duration_minutes": 10,
        "class_name": "9B",
        "subject": "Maths",
        "notes": "Pupils explained their reasoning to a partner first.",
        "action_step": {"text": "Pause three seconds after every question."},
    }


def round_trips_per_put(app, engine, email: str | None, teacher_id: int, puts: int = 10) -> float:
    """Round trips of `puts` new visits through a test client (signed in when `email`)."""
    import uuid

    from tests.round_trips import counting_round_trips

    client = support.signed_in_client(app, email) if email else app.test_client()
    headers = {"X-CSRFToken": getattr(client, "csrf_token", "")}
    client.put(f"/api/v1/visits/{uuid.uuid4()}", json=capture(teacher_id), headers=headers)
    with counting_round_trips(engine) as counted:
        for _ in range(puts):
            answer = client.put(
                f"/api/v1/visits/{uuid.uuid4()}", json=capture(teacher_id), headers=headers
            )
            assert answer.status_code == 201, answer.get_data(as_text=True)
    return counted.total / puts


def _signed_in_coaches(port: int, coaches: list) -> str:
    signed_in = []
    for email, teachers in coaches:
        cookie, token = support.http_sign_in(port, email)
        signed_in.append((f"{cookie}|{token}", teachers))
    return _as_lua_list(signed_in)


def _as_lua_list(coaches: list) -> str:
    """ "cookie|token|teacher,teacher;…" for put_visit.lua (empty sign-in: "|")."""
    return ";".join(
        f"{sign_in or '|'}|{','.join(map(str, teachers))}" for sign_in, teachers in coaches
    )


def _rate(port: int, env: dict) -> float:
    result = support.wrk(port, SCRIPT, env, SECONDS)
    if result["created"] != result["requests"]:
        print(f"  not every PUT answered 201: {result}", flush=True)
    return result["created"] / result["seconds"]


def _rates_in_turn(ours: tuple[int, dict], bare: tuple[int, dict]) -> list[tuple[float, float]]:
    """(ours, bare) PUTs per second, TURNS times, each pair measured one after the other,
    after a warm-up of both: a moment of load on the shared machine falls on both."""
    for port, env in (ours, bare):
        support.wrk(port, SCRIPT, env, WARM_UP_SECONDS)
    return [(_rate(*ours), _rate(*bare)) for _ in range(TURNS)]


def measure() -> list[Row]:
    with support.throwaway_postgres() as url:
        app = support.make_app(url)
        with app.app_context():
            world = _seed()
            from app.extensions import db

            engine = db.engine
        ours_trips = round_trips_per_put(app, engine, world["coach_email"], world["teacher_ids"][0])
        server_env = {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-secret-key-not-for-production",
            "DROPIN_ENV": "production",
        }
        bare_env = {
            "DATABASE_URL": url,
            "BENCH_SCHOOL_ID": str(world["school_id"]),
            "BENCH_COACH_ID": str(world["coach_id"]),
        }
        base_trips = _bare_round_trips(bare_env, world["teacher_ids"][0])
        unsigned = [("", teachers) for _, teachers in world["coaches"]]
        with (
            tempfile.TemporaryDirectory() as photos,
            support.gunicorn("wsgi:app", {**server_env, "PHOTO_DIR": photos}) as ours_port,
            support.gunicorn("bench.bare_sync:app", bare_env) as bare_port,
        ):
            signed_in = {"BENCH_COACHES": _signed_in_coaches(ours_port, world["coaches"])}
            turns = _rates_in_turn(
                (ours_port, signed_in), (bare_port, {"BENCH_COACHES": _as_lua_list(unsigned)})
            )
    for ours, base in turns:
        print(f"  ours {ours:.0f} PUT/s, bare {base:.0f} PUT/s: {ours / base:.2f}", flush=True)
    print(f"  round trips: ours {ours_trips:.1f}, bare {base_trips:.1f}", flush=True)
    ours, base = sorted(turns, key=lambda turn: turn[0] / turn[1])[len(turns) // 2]
    ratio, met = at_least(ours / base, GOAL_RATIO)
    trips, trips_met = at_most(ours_trips, GOAL_ROUND_TRIPS)
    return [
        Row(
            "PUT /api/v1/visits/<uuid> as a coach",
            f"{ours:.0f}/s",
            f"bare Flask-SQLAlchemy {base:.0f}/s",
            ratio,
            f"≥ {GOAL_RATIO}",
            met,
        ),
        Row(
            "  database round trips per PUT",
            trips,
            f"{base_trips:.0f}",
            "–",
            f"≤ {GOAL_ROUND_TRIPS}",
            trips_met,
        ),
    ]


def _bare_round_trips(env: dict, teacher_id: int) -> float:
    import os

    os.environ.update(env)
    from bench.bare_sync import app, db

    with app.app_context():
        engine = db.engine
    return round_trips_per_put(app, engine, None, teacher_id)
