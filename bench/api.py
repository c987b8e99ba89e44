"""Sync API and photo pipeline benchmarks: `python -m bench.api`.

1. Visits synced per second through the HTTP API: many coaches at once, each signed in on
   its own connection, PUTting new visits (201) and then replaying them (200). Against the
   threaded development server and against gunicorn, each on SQLite and on PostgreSQL (a
   throwaway database on BENCH_DATABASE_URL's server, loopback only, dropped afterwards).
2. The photo pipeline: milliseconds to process a 12-megapixel JPEG, with and without
   reduced-size (draft) decoding.

Servers run as child processes on a free 127.0.0.1 port with a temporary database and photo
folder, and are stopped at the end. Every loop is bounded.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from PIL import Image
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "bench-password-not-secret"
COACHES = 20
VISITS_PER_COACH = 20
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


# Databases --------------------------------------------------------------------------


def seed(database_url: str, photo_dir: str, coaches: int) -> list[tuple[str, int]]:
    """Schema plus one school with `coaches` coaches, each coaching one teacher."""
    from app import create_app
    from app.extensions import db
    from app.models import CoachingPair, Membership, School, Trust, User

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "PHOTO_DIR": photo_dir, "SECRET_KEY": "bench"}
    )
    accounts = []
    with app.app_context():
        db.create_all()
        trust = Trust(name="Bench Trust")
        school = School(trust=trust, name="Bench School", slug="bench")
        db.session.add_all([trust, school])
        db.session.flush()
        password_hash = generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")
        for n in range(coaches):
            coach = User(
                email=f"coach{n}@bench.test", name=f"Coach {n}", password_hash=password_hash
            )
            teacher = User(
                email=f"teacher{n}@bench.test", name=f"Teacher {n}", password_hash=password_hash
            )
            db.session.add_all([coach, teacher])
            db.session.flush()
            db.session.add_all(
                [
                    Membership(user_id=coach.id, school_id=school.id, role="coach"),
                    Membership(user_id=teacher.id, school_id=school.id, role="teacher"),
                    CoachingPair(
                        coach_id=coach.id,
                        teacher_id=teacher.id,
                        school_id=school.id,
                        since=datetime.now(UTC).date() - timedelta(days=7),
                    ),
                ]
            )
            accounts.append((coach.email, teacher.id))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return accounts


def create_postgres_database() -> str | None:
    server = sa.make_url(PG_SERVER)
    if server.host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("BENCH_DATABASE_URL must be a loopback server")
    name = f"dropin_bench_{uuid.uuid4().hex[:10]}"
    try:
        engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except sa.exc.OperationalError as error:
        print(f"  (no PostgreSQL at {server.render_as_string()}: {error.orig})")
        return None
    return server.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    engine = sa.create_engine(sa.make_url(PG_SERVER), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(
            sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)')
        )
    engine.dispose()


# Servers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(kind: str, database_url: str, photo_dir: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PHOTO_DIR": photo_dir,
        "SECRET_KEY": "bench-secret-key-not-for-production",
    }
    if kind == "gunicorn":
        env["DROPIN_ENV"] = "production"
        command = [
            str(VENV_BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
            "wsgi:app",
        ]
    else:
        env["DROPIN_ENV"] = "development"
        command = [
            str(VENV_BIN / "flask"),
            "--app",
            "app",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--with-threads",
        ]
    log = open(Path(photo_dir).parent / "server.log", "w")  # noqa: SIM115 (the server's)
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"{kind} did not start on port {port}")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)  # its own session: gunicorn and its workers only
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


# A coach's device ---------------------------------------------------------------------


class Device:
    """One coach's connection: signs in, keeps the session cookie, sends the CSRF token."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.token = ""

    def send(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = {**(headers or {}), "Cookie": self.cookie}
        try:
            response = self._request(method, path, body, headers)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # the server closed an idle keep-alive connection: open a new one, once
            self.connection.close()
            response = self._request(method, path, body, headers)
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, data

    def _request(self, method, path, body, headers) -> http.client.HTTPResponse:
        self.connection.request(method, path, body=body, headers=headers)
        return self.connection.getresponse()

    def sign_in(self, email: str) -> None:
        _, page = self.send("GET", "/login")
        token = CSRF_META.search(page.decode()).group(1)
        form = urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
        status, _ = self.send(
            "POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 302, status
        _, page = self.send("GET", "/visits")
        self.token = CSRF_META.search(page.decode()).group(1)

    def put_visit(self, visit_id: str, capture: dict) -> int:
        status, _ = self.send(
            "PUT",
            f"/api/v1/visits/{visit_id}",
            json.dumps(capture).encode(),
            {"Content-Type": "application/json", "X-CSRFToken": self.token},
        )
        return status


def capture_for(teacher_id: int, n: int) -> dict:
    return {
        "teacher_id": teacher_id,
        "started_at": (datetime.now(UTC) - timedelta(hours=n + 1)).isoformat(),
        "duration_minutes": 10,
        "class_name": "9B",
        "subject": "Maths",
        "notes": "Pupils explained their reasoning to a partner first. " * 4,
        "action_step": {"text": "Pause three seconds after every question."},
        "captured_offline": True,
    }


def sync_rates(port: int, accounts: list[tuple[str, int]]) -> tuple[float, float]:
    """(new visits per second, replays per second) with every coach sending at once."""
    devices = []
    for email, _ in accounts:
        device = Device(port)
        device.sign_in(email)
        devices.append(device)
    plans = [
        [(str(uuid.uuid4()), capture_for(teacher_id, n)) for n in range(VISITS_PER_COACH)]
        for _, teacher_id in accounts
    ]
    rates = []
    for expected in (201, 200):  # first the new visits, then the same requests replayed
        elapsed = _send_all_at_once(devices, plans, expected)
        rates.append(len(accounts) * VISITS_PER_COACH / elapsed)
    return rates[0], rates[1]


def _send_all_at_once(devices: list[Device], plans: list, expected: int) -> float:
    """Every device sends its plan at the same moment; seconds until the last is done."""
    barrier = threading.Barrier(len(devices) + 1)
    failures: list[int | str] = []

    def run(device: Device, plan: list) -> None:
        barrier.wait()
        for visit_id, capture in plan:
            try:
                status = device.put_visit(visit_id, capture)
            except OSError as error:
                status = type(error).__name__
            if status != expected:
                failures.append(status)

    threads = [threading.Thread(target=run, args=pair) for pair in zip(devices, plans, strict=True)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"expected {expected}, got: {sorted(set(map(str, failures)))}")
    return elapsed


def bench_sync() -> list[tuple[str, str, float, float]]:
    results = []
    for database in ("sqlite", "postgresql"):
        for kind in ("werkzeug", "gunicorn"):
            with tempfile.TemporaryDirectory(prefix="dropin-bench-") as tmp:
                if database == "sqlite":
                    url = f"sqlite:///{tmp}/bench.sqlite3"
                else:
                    url = create_postgres_database()
                    if url is None:
                        continue
                try:
                    accounts = seed(url, f"{tmp}/photos", COACHES)
                    port = free_port()
                    server = start_server(kind, url, f"{tmp}/photos", port)
                    try:
                        created, replayed = sync_rates(port, accounts)
                    except RuntimeError:
                        print(Path(tmp, "server.log").read_text()[-3000:])
                        raise
                    finally:
                        stop_server(server)
                finally:
                    if database == "postgresql":
                        drop_postgres_database(url)
            results.append((database, kind, created, replayed))
            print(
                f"  {database:10} {kind:9} new {created:6.0f}/s   replay {replayed:6.0f}/s",
                flush=True,
            )
    return results


# Photo pipeline -----------------------------------------------------------------------


def twelve_megapixel_jpeg() -> bytes:
    """4000 x 3000 with fine detail and sensor-like noise, as a phone camera sends it."""
    size = (4000, 3000)
    scene = Image.effect_mandelbrot(size, (-2.0, -1.2, 1.0, 1.2), 80).convert("RGB")
    noise = Image.effect_noise(size, 24).convert("RGB")
    photo = Image.blend(scene, noise, 0.25)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def bench_photos(runs: int = 5) -> dict[str, float]:
    from app.photos.processing import process_photo

    data = twelve_megapixel_jpeg()
    print(f"  12-megapixel JPEG: {len(data) / 1e6:.1f} MB", flush=True)
    timings = {}
    for draft in (True, False):
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            result = process_photo(data, draft=draft)
            samples.append((time.perf_counter() - started) * 1000)
        label = "draft (reduced-size decode)" if draft else "full decode"
        timings[label] = statistics.median(samples)
        print(
            f"  {label:28} median {timings[label]:5.0f} ms  (display "
            f"{result.width}x{result.height}, {len(result.display) // 1024} KB; thumbnail "
            f"{len(result.thumbnail) // 1024} KB)",
            flush=True,
        )
    return timings


def main() -> None:
    print(
        f"Visits synced through the API ({COACHES} coaches at once, "
        f"{VISITS_PER_COACH} visits each):",
        flush=True,
    )
    bench_sync()
    print("Photo pipeline:", flush=True)
    bench_photos()


if __name__ == "__main__":
    main()
