"""CPU per coach's sync PUT, in this process: ours (production configuration) and bare
Flask + Flask-SQLAlchemy (bench/bare_sync.py), on one throwaway PostgreSQL database.

Throughput under wrk depends on what else the machine is doing; CPU time per request does
much less, so this is the figure to compare a change by. Each PUT is a WSGI call as
gunicorn makes it: a new visit with a new action step, the session cookie and the CSRF
header of a coach signed in through the form. The database server's CPU is not counted.

`python -m bench.put_cpu [--puts N] [--profile]` (about a minute). Not part of `make bench`'s
table.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid

from bench import support
from bench.sync import capture


def _production_app(url: str):
    os.environ["DROPIN_ENV"] = "production"
    from app import create_app

    stderr, sys.stderr = sys.stderr, open(os.devnull, "w")  # noqa: SIM115  (the JSON log)
    try:
        return create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key-not-for-production"}
        )
    finally:
        sys.stderr = stderr


#: The phone's browser, the same at sign-in and on every PUT (Flask-Login's session
#: protection marks the session non-fresh, and so re-sends its cookie, when it changes).
USER_AGENT = "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36"


def _sign_in(app, email: str) -> tuple[str, str]:
    """(Cookie header, CSRF token) of `email`, signed in through the form."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = support.CSRF_META.search(page).group(1)
    form = {"email": email, "password": support.PASSWORD, "csrf_token": token}
    answer = client.post(
        "/login", data=form, base_url="https://localhost", headers={"Referer": "https://localhost/"}
    )
    assert answer.status_code == 302, answer.status_code
    page = client.get("/visits", base_url="https://localhost").get_data(as_text=True)
    token = support.CSRF_META.search(page).group(1)
    return f"session={client.get_cookie('session').value}", token


def _caller(app, cookie: str, token: str, teacher_ids: list[int]):
    """A function doing one PUT of a new visit as a WSGI call; it returns the status."""
    base = {
        "REQUEST_METHOD": "PUT",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "HTTP_USER_AGENT": USER_AGENT,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        base["HTTP_COOKIE"] = cookie
        base["HTTP_X_CSRFTOKEN"] = token
    bodies = [json.dumps(capture(t)).encode() for t in teacher_ids]
    state = {"n": 0, "status": "", "cookies": 0}

    def start_response(status, headers, exc_info=None):
        state["status"] = status
        state["cookies"] += any(name.lower() == "set-cookie" for name, _ in headers)

    def put() -> str:
        body = bodies[state["n"] % len(bodies)]
        state["n"] += 1
        environ = dict(base)
        environ["PATH_INFO"] = f"/api/v1/visits/{uuid.uuid4()}"
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["wsgi.input"] = io.BytesIO(body)
        answer = app(environ, start_response)
        try:
            b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        return state["status"]

    put.state = state
    return put


def _cpu_per_put(put, puts: int, warm_up: int = 200) -> tuple[float, float]:
    """(CPU µs, wall µs) per PUT, after `warm_up` PUTs."""
    for _ in range(warm_up):
        assert put().startswith("201"), "a PUT did not answer 201"
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    for _ in range(puts):
        put()
    cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started_wall
    return cpu / puts * 1e6, wall / puts * 1e6


def _round_trips(engine, put, puts: int = 20) -> float:
    from tests.round_trips import counting_round_trips

    with counting_round_trips(engine) as counted:
        for _ in range(puts):
            put()
    return counted.total / puts


def _profile(put, puts: int, out: str = "") -> None:
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(puts):
        put()
    profile.disable()
    if out:
        profile.dump_stats(out)
    for order in ("tottime", "cumulative"):
        print(f"-- top by {order}")
        pstats.Stats(profile).sort_stats(order).print_stats(30)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.put_cpu")
    parser.add_argument("--puts", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="cProfile ours after measuring")
    parser.add_argument("--profile-out", default="", help="also save the profile to this file")
    parser.add_argument("--ours-only", action="store_true", help="skip the bare baseline")
    parser.add_argument("--rounds", type=int, default=3, help="take the lowest of N rounds")
    args = parser.parse_args(argv)
    with support.throwaway_postgres() as url:
        app = _production_app(url)
        with app.app_context():
            from app.extensions import db
            from bench.sync import _seed

            world = _seed()
            engine = db.engine
        cookie, token = _sign_in(app, world["coach_email"])
        ours = _caller(app, cookie, token, world["teacher_ids"])
        ours_cpu = min(_cpu_per_put(ours, args.puts) for _ in range(args.rounds))
        trips = _round_trips(engine, ours)
        print(
            f"ours: {ours_cpu[0]:.0f} µs CPU per PUT ({ours_cpu[1]:.0f} µs wall), {trips:g} trips"
        )
        print(f"  answers with a Set-Cookie: {ours.state['cookies']} of {ours.state['n']}")
        if args.profile:
            _profile(ours, args.puts, args.profile_out)
        if args.ours_only:
            with app.app_context():
                db.engine.dispose()
            return 0
        os.environ.update(
            DATABASE_URL=url,
            BENCH_SCHOOL_ID=str(world["school_id"]),
            BENCH_COACH_ID=str(world["coach_id"]),
        )
        from bench.bare_sync import app as bare_app
        from bench.bare_sync import db as bare_db

        bare = _caller(bare_app, "", "", world["teacher_ids"])
        bare_cpu = min(_cpu_per_put(bare, args.puts) for _ in range(args.rounds))
        with bare_app.app_context():
            bare_trips = _round_trips(bare_db.engine, bare)
            bare_db.engine.dispose()
        cpu, wall = bare_cpu
        print(f"bare: {cpu:.0f} µs CPU per PUT ({wall:.0f} µs wall), {bare_trips:g} trips")
        print(f"CPU ratio bare/ours: {bare_cpu[0] / ours_cpu[0]:.2f}")
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
