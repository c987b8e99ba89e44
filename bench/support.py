"""What every measure needs: a throwaway PostgreSQL database, the app on it, servers on a
free 127.0.0.1 port, signed-in clients, and a large trust to measure against.

Everything made here is removed at the end of the `with` that made it. Loopback only.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SERVER_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "bench-password"  # noqa: S105  (throwaway databases)
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """The URL of a new empty database on BENCH_DATABASE_URL's server, dropped afterwards."""
    server = sa.make_url(SERVER_URL)
    if server.host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("BENCH_DATABASE_URL must be a loopback server")
    name = f"dropin_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_app(database_url: str, **overrides):
    from app import create_app
    from app.config import TestConfig

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    return create_app({**config, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})


def signed_in_client(app, email: str):
    """A test client signed in through the form, with the page's CSRF token at hand.
    Requests run outside any pushed app context, as in production."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = CSRF_META.search(page).group(1)
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302, answer.status_code
    client.csrf_token = CSRF_META.search(client.get("/visits").get_data(as_text=True)).group(1)
    return client


def median_ms(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


# Servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app_path: str, env: dict, workers: int = 4, threads: int = 2) -> Iterator[int]:
    """gunicorn serving `app_path` on a free port (its own session, stopped at the end)."""
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)),
        *("--worker-class", "gthread", "--log-level", "warning", app_path),
    ]
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115  (read when the server fails)
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        try:
            _wait_until_up(port, server)
        except RuntimeError:
            log.seek(0)
            print(log.read()[-3000:])
            raise
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # its own session: gunicorn and its workers
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        log.close()


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start")


# A large trust ------------------------------------------------------------------------

SCHOOLS = 100
TEACHERS_PER_SCHOOL = 120
COACHES_PER_SCHOOL = 4


def _insert(table, rows: list[dict]) -> None:
    from app.extensions import db

    for start in range(0, len(rows), 5000):
        db.session.execute(table.insert(), rows[start : start + 5000])


def make_large_trust() -> dict:
    """100 schools (ten on Dubai time), 120 teachers and 4 coaches each (12,000 teachers),
    every teacher paired with a coach; a trust lead and a lead of the first school.
    Call inside an app context on an empty database."""
    from app.extensions import db
    from app.models import CoachingPair, Membership, School, Trust, TrustRole, User

    db.create_all()
    trust = Trust(name="Large Trust")
    db.session.add(trust)
    db.session.flush()
    now = datetime.now(UTC)
    _insert(
        School.__table__,
        [
            {
                "trust_id": trust.id,
                "name": f"School {n:03d}",
                "slug": f"school-{n:03d}",
                "timezone": "Asia/Dubai" if n % 10 == 0 else "Europe/London",
                "cadence": "weekly" if n % 2 else "fortnightly",
                "created_at": now,
            }
            for n in range(SCHOOLS)
        ],
    )
    school_ids = list(db.session.scalars(sa.select(School.id).order_by(School.id)))
    people = []
    for n in range(SCHOOLS):
        people += [
            {"email": f"t{t}@s{n}.bench", "name": f"Teacher {t} of {n}"}
            for t in range(TEACHERS_PER_SCHOOL)
        ]
        people += [
            {"email": f"c{c}@s{n}.bench", "name": f"Coach {c} of {n}"}
            for c in range(COACHES_PER_SCHOOL)
        ]
    _insert(User.__table__, [{**p, "active": True, "created_at": now} for p in people])
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
    _insert(Membership.__table__, memberships)
    _insert(CoachingPair.__table__, pairs)
    trust_lead = User(email="trust.lead@large.bench", name="Trust Lead")
    school_lead = User(email="school.lead@large.bench", name="School Lead")
    coach = db.session.scalar(sa.select(User).where(User.email == "c0@s0.bench"))
    for person in (trust_lead, school_lead, coach):
        person.set_password(PASSWORD)
        db.session.add(person)
    db.session.flush()
    db.session.add(TrustRole(user_id=trust_lead.id, trust_id=trust.id, role="trust_lead"))
    db.session.add(Membership(user_id=school_lead.id, school_id=school_ids[0], role="lead"))
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return {"school_ids": school_ids, "staff": staff}


# Over HTTP ----------------------------------------------------------------------------


def http_sign_in(port: int, email: str) -> tuple[str, str]:
    """(session cookie, CSRF token) of `email` signed in through the form over HTTP."""
    from urllib.parse import urlencode

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cookie = ""

    def send(method: str, path: str, body: bytes | None = None, headers=None) -> bytes:
        nonlocal cookie
        connection.request(method, path, body=body, headers={**(headers or {}), "Cookie": cookie})
        response = connection.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                cookie = value.split(";", 1)[0]
        return data

    token = CSRF_META.search(send("GET", "/login").decode()).group(1)
    form = urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    send("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
    token = CSRF_META.search(send("GET", "/visits").decode()).group(1)
    connection.close()
    return cookie, token


def wrk(port: int, script: Path, env: dict, seconds: int, connections: int = 16) -> dict:
    """Run wrk against the port with a Lua script; its `BENCH {json}` line as a dict."""
    import json

    command = [
        "wrk",
        *("-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s", str(script)),
        f"http://127.0.0.1:{port}",
    ]
    output = subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))
