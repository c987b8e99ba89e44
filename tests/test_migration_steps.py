"""Migration 0003 moves steps written in the old shape (one step per visit) onto the new
one (a step spans visits, one live step per teacher), on both databases."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_support import T0, insert_row, insert_trust_and_school
from tests.test_migrations import empty_database_app  # noqa: F401  (the fixture)


def _old_world(connection) -> dict:
    """A trust, a school, a coach and two teachers, with steps in the old shape."""
    insert_trust_and_school(connection)
    for user_id, email in ((1, "coach@x.org"), (2, "t1@x.org"), (3, "t2@x.org")):
        insert_row(
            connection, "user", id=user_id, email=email, name=email, active=True, created_at=T0
        )
    visits = {}
    # Teacher 2: A, then "keep practising" (the same words, acknowledged again), then B.
    plan = [
        (2, "Cold call after wait time", "practising", T0 + timedelta(hours=1), ""),
        (2, "Cold call after wait time", "new", None, "Tried it in period 3"),
        (2, "Model the first answer", "new", None, ""),
        # Teacher 3: two different steps, both left at "new" (the old bug).
        (3, "Narrate the positive", "new", None, ""),
        (3, "Use mini whiteboards", "new", None, ""),
    ]
    for number, (teacher_id, text, status, acknowledged, reflection) in enumerate(plan):
        visit_id = uuid.uuid4()
        started = T0 + timedelta(days=7 * number)
        insert_row(
            connection,
            "visit",
            id=visit_id,
            school_id=1,
            coach_id=1,
            teacher_id=teacher_id,
            started_at=started,
            duration_minutes=10,
            class_name="",
            subject="",
            notes="",
            captured_offline=False,
            expected_photo_ids="[]",
            created_at=started,
            updated_at=started,
        )
        insert_row(
            connection,
            "action_step",
            id=number + 1,
            visit_id=visit_id,
            text=text,
            status=status,
            acknowledged_at=acknowledged,
            reflection=reflection,
        )
        visits[number] = visit_id
    if connection.dialect.name == "postgresql":  # explicit ids leave the sequence behind
        connection.execute(sa.text("SELECT setval('action_step_id_seq', 5)"))
    return visits


@pytest.fixture
def migrated(empty_database_app):  # noqa: F811
    with empty_database_app.app_context():
        upgrade(revision="0002_triad_key")
        with db.engine.begin() as connection:
            visits = _old_world(connection)
        upgrade()
        yield visits


def _steps():
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM action_step ORDER BY id")).mappings()
        return {row["id"]: dict(row) for row in rows}


def _step_of(visit_id) -> int:
    with db.engine.connect() as connection:
        query = sa.text("SELECT action_step_id FROM visit WHERE id = :id").bindparams(
            sa.bindparam("id", type_=sa.Uuid())
        )
        return connection.execute(query, {"id": visit_id}).scalar_one()


def test_the_old_keep_practising_becomes_one_step_with_two_visits(migrated):
    steps = _steps()
    assert _step_of(migrated[0]) == _step_of(migrated[1]) == 1
    assert 2 not in steps
    merged = steps[1]
    assert merged["reflection"] == "Tried it in period 3"
    assert merged["acknowledged_at"] is not None
    assert merged["teacher_id"] == 2 and merged["school_id"] == 1


def test_earlier_live_steps_are_closed_as_replaced_with_the_date(migrated):
    steps = _steps()
    assert steps[1]["status"] == "replaced"
    assert steps[1]["closed_at"] is not None
    assert steps[4]["status"] == "replaced"
    assert (steps[3]["status"], steps[5]["status"]) == ("new", "new")
    live = [s for s in steps.values() if s["status"] in ("new", "practising")]
    assert sorted(s["teacher_id"] for s in live) == [2, 3]


def test_the_database_refuses_a_second_live_step(migrated):
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE action_step SET status = 'new' WHERE id = 1"))


def test_down_again_gives_each_visit_its_own_step(migrated):
    downgrade(revision="0002_triad_key")
    with db.engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(DISTINCT visit_id) FROM action_step"))
        assert count.scalar_one() == 5
