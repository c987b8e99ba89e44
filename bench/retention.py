"""`python -m bench.retention`: apply-retention on PostgreSQL with 20,000 visits past their
six years (each with its step, a comment and a photo row) beside 20,000 recent ones, in
batches of 500; then a second run (nothing due); beside one bare SQL DELETE of the same
rows as the baseline. Photo files are not written (the store's delete is a no-op for a
missing file), so this measures the database side."""

from __future__ import annotations

import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.photos.storage import new_key
from bench import support

DUE = 20_000
RECENT = 20_000


def _fill() -> None:
    from app.extensions import db
    from app.models import ActionStep, Photo, School, StepComment, Trust, User, Visit

    db.create_all()
    trust = Trust(name="Retention Trust")
    db.session.add(trust)
    db.session.flush()
    school = School(trust_id=trust.id, name="School", slug="school")
    coach, teacher = User(email="c@b.bench", name="C"), User(email="t@b.bench", name="T")
    db.session.add_all([school, coach, teacher])
    db.session.flush()
    now = datetime.now(UTC)
    visits, steps, comments, photos = [], [], [], []
    for n in range(DUE + RECENT):
        started_at = now - timedelta(days=(2300 + n % 300) if n < DUE else (n % 1000))
        visit_id = uuid.uuid4()
        visits.append(
            {
                "id": visit_id,
                "school_id": school.id,
                "coach_id": coach.id,
                "teacher_id": teacher.id,
                "started_at": started_at,
                "duration_minutes": 10,
                "class_name": "Year 8",
                "subject": "Maths",
                "notes": "Calm start",
                "captured_offline": False,
                "expected_photo_ids": [],
                "created_at": started_at,
                "updated_at": started_at,
                "action_step_id": n + 1,
            }
        )
        steps.append(
            {
                "id": n + 1,
                "teacher_id": teacher.id,
                "school_id": school.id,
                "text": "Pause three seconds",
                "status": "embedded",
                "reflection": "",
                "set_at": started_at,
                "created_at": started_at,
            }
        )
        comments.append(
            {"id": uuid.uuid4(), "step_id": n + 1, "author_id": teacher.id, "body": "Tried it"}
        )
        photos.append(
            {
                "id": uuid.uuid4(),
                "visit_id": visit_id,
                "storage_key": new_key(),
                "thumbnail_key": new_key(),
                "width": 8,
                "height": 8,
                "bytes": 100,
                "sha256": "0" * 64,
                "caption": "",
                "created_at": started_at,
            }
        )
    support._insert(ActionStep.__table__, steps)
    support._insert(Visit.__table__, visits)
    support._insert(StepComment.__table__, [{**c, "created_at": now} for c in comments])
    support._insert(Photo.__table__, photos)
    db.session.execute(sa.text("SELECT setval('action_step_id_seq', :n)"), {"n": DUE + RECENT})
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


BARE = """
DELETE FROM photo WHERE visit_id IN (SELECT id FROM visit WHERE started_at < :cutoff);
DELETE FROM visit WHERE started_at < :cutoff;
DELETE FROM step_comment WHERE step_id IN
  (SELECT id FROM action_step WHERE id NOT IN (SELECT action_step_id FROM visit));
DELETE FROM action_step WHERE id NOT IN (SELECT action_step_id FROM visit);
"""


def main() -> None:
    from app.extensions import db
    from app.privacy.retention import apply_retention

    with tempfile.TemporaryDirectory() as photos:
        with support.throwaway_postgres() as url:
            app = support.make_app(url, PHOTO_DIR=photos)
            with app.app_context():
                _fill()
                started = time.perf_counter()
                outcome = apply_retention()[0]
                first = time.perf_counter() - started
                started = time.perf_counter()
                apply_retention()
                second = time.perf_counter() - started
                db.session.remove()
                db.engine.dispose()
        with support.throwaway_postgres() as url:
            app = support.make_app(url, PHOTO_DIR=photos)
            with app.app_context():
                _fill()
                cutoff = datetime.now(UTC) - timedelta(days=6 * 365 + 2)
                started = time.perf_counter()
                for statement in BARE.strip().split(";"):
                    if statement.strip():
                        db.session.execute(sa.text(statement), {"cutoff": cutoff})
                db.session.commit()
                bare = time.perf_counter() - started
                db.session.remove()
                db.engine.dispose()
    print(f"removed {outcome.counts}")
    print(
        f"apply-retention: {first:.2f} s for {DUE:,} due visits among {DUE + RECENT:,} "
        f"({DUE / first:,.0f} visits/s); second run (nothing due) {second:.2f} s; "
        f"one bare SQL DELETE of the same rows {bare:.2f} s"
    )


if __name__ == "__main__":
    main()
