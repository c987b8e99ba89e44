"""Time to import 5,000 staff rows into one school, on SQLite and (when a server is
reachable) a throwaway PostgreSQL database: the first import, and the same file again
(which changes nothing). `python -m bench.staff_import`; BENCH_PG_URL names the server
(default postgresql+psycopg://postgres@127.0.0.1:5432/postgres)."""

from __future__ import annotations

import os
import tempfile
import time
import uuid

import sqlalchemy as sa

from app import create_app
from app.admin.importer import import_staff
from app.config import TestConfig
from app.extensions import db
from app.models import School, Trust

ROWS = 5_000
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def staff_csv(rows: int = ROWS) -> str:
    roles = ("teacher", "teacher", "teacher", "coach", "lead")
    lines = ["email,name,role,department"]
    lines += [f"person{n}@bench.example.org,Person {n},{roles[n % 5]},Maths" for n in range(rows)]
    return "\n".join(lines) + "\n"


def _app(url: str):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    return create_app({**config, "SQLALCHEMY_DATABASE_URI": url})


def _time_imports(url: str) -> tuple[float, float]:
    app = _app(url)
    text = staff_csv()
    with app.app_context():
        db.create_all()
        trust = Trust(name="Bench Trust")
        db.session.add(trust)
        db.session.flush()
        school = School(trust_id=trust.id, name="Bench School", slug="bench")
        db.session.add(school)
        db.session.commit()
        timings = []
        for _ in range(2):
            start = time.perf_counter()
            import_staff(school, text, None, source="bench")
            db.session.commit()
            timings.append(time.perf_counter() - start)
        db.session.remove()
        db.engine.dispose()
    return timings[0], timings[1]


def _report(name: str, first: float, second: float) -> None:
    print(
        f"{name:<11} first import of {ROWS} rows {first:6.2f} s "
        f"({ROWS / first:,.0f} rows/s); same file again {second:5.2f} s"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _report("SQLite", *_time_imports(f"sqlite:///{folder}/bench.sqlite3"))
    server = sa.make_url(PG_SERVER)
    name = f"dropin_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError:
        print("PostgreSQL  (no server reachable: skipped)")
        return
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        _report("PostgreSQL", *_time_imports(url))
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
