"""A large trust's archive: `export-trust` of 100 schools, 12,400 people and N visits with
their steps and 500 photos, then `import-trust` into a fresh database and the archive made
again from it (the CSV files must be identical). PostgreSQL; photos in a local folder.

`python -m bench.takeout [--visits N]` (default 50,000). Peak memory is Python's
(tracemalloc) during the export: the archive goes to a file, not memory.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import tracemalloc
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench import support
from bench.table import Row, at_most, markdown

#: Peak Python memory allowed while exporting, whatever the trust's size.
MEMORY_GOAL_MB = 100


def add_visits(trust: dict, count: int, rng: random.Random) -> None:
    from app.extensions import db
    from app.models import ActionStep, Visit

    now = datetime.now(UTC)
    step_id = 0
    for start in range(0, count, 10_000):
        visits, steps = [], []
        for _ in range(min(10_000, count - start)):
            step_id += 1
            school_id = rng.choice(trust["school_ids"])
            teachers, coaches = trust["staff"][school_id]
            started_at = now - timedelta(seconds=rng.randrange(364 * 86400))
            teacher = rng.choice(teachers)
            steps.append(
                {
                    "id": step_id,
                    "teacher_id": teacher,
                    "school_id": school_id,
                    "text": "Ask the question, pause three seconds, then name who answers",
                    "status": "embedded",
                    "reflection": "Worked well with Year 8 after a week.",
                    "set_at": started_at,
                    "created_at": started_at,
                }
            )
            visits.append(
                {
                    "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "school_id": school_id,
                    "coach_id": rng.choice(coaches),
                    "teacher_id": teacher,
                    "started_at": started_at,
                    "duration_minutes": 10,
                    "class_name": "Year 8",
                    "subject": "Maths",
                    "notes": "Calm start, task on the board; hinge question, two pupils unsure.",
                    "captured_offline": False,
                    "expected_photo_ids": [],
                    "created_at": started_at,
                    "updated_at": started_at,
                    "action_step_id": step_id,
                }
            )
        support._insert(ActionStep.__table__, steps)
        support._insert(Visit.__table__, visits)
        db.session.commit()
    db.session.execute(sa.text("SELECT setval('action_step_id_seq', :n)"), {"n": step_id})
    db.session.commit()


def add_photos(count: int) -> None:
    import hashlib

    from app.extensions import db
    from app.models import Photo, Visit
    from app.photos.storage import photo_storage
    from tests.photo_fixtures import plain_jpeg

    storage = photo_storage()
    visit_ids = db.session.scalars(sa.select(Visit.id).order_by(Visit.id).limit(count)).all()
    display, thumbnail = plain_jpeg(1200, 900), plain_jpeg(320, 240)
    for visit_id in visit_ids:
        db.session.add(
            Photo(
                id=uuid.uuid4(),
                visit_id=visit_id,
                storage_key=storage.put(display),
                thumbnail_key=storage.put(thumbnail),
                width=1200,
                height=900,
                bytes=len(display),
                sha256=hashlib.sha256(display).hexdigest(),
            )
        )
    db.session.commit()


def tables_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n.startswith("tables/")}


def measure(visits: int = 50_000) -> list[Row]:
    from flask_migrate import upgrade

    from app.extensions import db

    work = Path(tempfile.mkdtemp(prefix="bench-takeout-"))
    archive, again = work / "trust.zip", work / "again.zip"
    with support.throwaway_postgres() as source_url, support.throwaway_postgres() as fresh_url:
        source = support.make_app(source_url, PHOTO_DIR=str(work / "photos"))
        with source.app_context():
            trust = support.make_large_trust()
            add_visits(trust, visits, random.Random(7))
            add_photos(500)
            runner = source.test_cli_runner()
            tracemalloc.start()
            started = time.perf_counter()
            result = runner.invoke(
                args=["export-trust", "--trust", "Large Trust", "--output", str(archive)]
            )
            export_s = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert result.exit_code == 0, result.output
            db.session.remove()
            db.engine.dispose()
        fresh = support.make_app(fresh_url, PHOTO_DIR=str(work / "fresh-photos"))
        with fresh.app_context():
            upgrade()
            runner = fresh.test_cli_runner()
            started = time.perf_counter()
            result = runner.invoke(args=["import-trust", str(archive)])
            import_s = time.perf_counter() - started
            assert result.exit_code == 0, result.output
            result = runner.invoke(args=["export-trust", "--trust", "1", "--output", str(again)])
            assert result.exit_code == 0, result.output
            same = tables_of(archive) == tables_of(again)
            db.session.remove()
            db.engine.dispose()
    size = archive.stat().st_size
    ratio, met = at_most(peak / 1e6, MEMORY_GOAL_MB)
    return [
        Row(
            f"export-trust, 12,400 people, {visits:,} visits, 500 photos",
            f"{export_s:.1f} s, {size / 1e6:.0f} MB zip, peak {peak / 1e6:.1f} MB",
            "-",
            ratio,
            f"peak ≤ {MEMORY_GOAL_MB} MB",
            met,
        ),
        Row(
            "import-trust of that archive into an empty database",
            f"{import_s:.1f} s; re-export identical: {same}",
            "-",
            "-",
            "identical CSV files",
            same,
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=50_000)
    print(markdown(measure(parser.parse_args().visits)))
