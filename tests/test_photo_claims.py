"""A photo id belongs to the first visit that lists it: the expected_photo table's key,
not a scan of the visits' lists, refuses a second visit's claim (migration 0007_perf
fills it from the lists already saved)."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.expected_photos import ExpectedPhoto
from app.extensions import db
from tests.api_support import as_person, build_world, capture_for
from tests.migration_support import T0, insert_row, insert_trust_and_school
from tests.round_trips import counting_round_trips
from tests.test_migrations import empty_database_app  # noqa: F401  (the fixture)


@pytest.fixture
def world(app):
    return build_world()


def _claims() -> dict[str, str]:
    db.session.expire_all()
    return {
        str(row.photo_id): str(row.visit_id) for row in db.session.scalars(sa.select(ExpectedPhoto))
    }


def test_a_visit_claims_its_photo_ids_and_the_database_refuses_a_second_claim(app, world):
    coach = as_person(app, world, "coach")
    visit_id, photo_id = uuid.uuid4(), uuid.uuid4()
    body = capture_for(world["people"]["teacher"], photo_ids=[str(photo_id)])
    assert coach.put_visit(visit_id, body).status_code == 201
    assert _claims() == {str(photo_id): str(visit_id)}
    db.session.add(ExpectedPhoto(photo_id=photo_id, visit_id=world["visit"].id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_an_id_the_visit_no_longer_lists_is_free_for_another_visit(app, world):
    coach, teacher = as_person(app, world, "coach"), world["people"]["teacher"]
    visit_id, photo_id = uuid.uuid4(), uuid.uuid4()
    body = capture_for(teacher, photo_ids=[str(photo_id)], updated_at=T0.isoformat())
    assert coach.put_visit(visit_id, body).status_code == 201
    other = uuid.uuid4()
    assert (
        coach.put_visit(other, capture_for(teacher, photo_ids=[str(photo_id)])).status_code == 422
    )

    later = {**body, "photo_ids": [], "updated_at": (T0 + timedelta(minutes=5)).isoformat()}
    assert coach.put_visit(visit_id, later).status_code == 200
    assert (
        coach.put_visit(other, capture_for(teacher, photo_ids=[str(photo_id)])).status_code == 201
    )
    assert _claims() == {str(photo_id): str(other)}


def test_a_refused_claim_saves_nothing(app, world):
    coach, teacher = as_person(app, world, "coach"), world["people"]["teacher"]
    taken, fresh = uuid.uuid4(), uuid.uuid4()
    assert (
        coach.put_visit(uuid.uuid4(), capture_for(teacher, photo_ids=[str(taken)])).status_code
        == 201
    )
    refused_id = uuid.uuid4()
    both = capture_for(teacher, photo_ids=[str(fresh), str(taken)])
    answer = coach.put_visit(refused_id, both)
    assert answer.status_code == 422 and "photo_ids" in answer.get_json()["errors"]
    assert str(fresh) not in _claims()
    assert coach.get_visit(refused_id).status_code == 404


def test_two_visits_listing_one_photo_id_at_once_one_wins(app, world):
    """Both requests run at the same time: a check-then-insert would let both through."""
    body = capture_for(world["people"]["teacher"], photo_ids=[str(uuid.uuid4())])
    signed_in = {"people": {"coach": _Email(world["people"]["coach"].email)}}
    db.session.remove()  # the threads open their own sessions
    barrier = threading.Barrier(4, timeout=60)
    statuses: list[int] = []

    def send():
        api = as_person(app, signed_in, "coach")
        barrier.wait()
        statuses.append(api.put_visit(uuid.uuid4(), body).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 422, 422, 422]
    assert len(_claims()) == 1


class _Email:
    def __init__(self, email):
        self.email = email


def test_a_new_visit_with_photos_takes_one_more_round_trip_at_most(app, world):
    coach = as_person(app, world, "coach")
    body = capture_for(world["people"]["teacher"], photo_ids=[str(uuid.uuid4()) for _ in range(3)])
    with counting_round_trips(db.engine) as counted:
        assert coach.put_visit(uuid.uuid4(), body).status_code == 201
    most = 8 if db.engine.dialect.name == "postgresql" else 12
    assert counted.total <= most, counted.statements


# Migration 0007_perf fills the table from the lists already saved ----------------------


def test_the_migration_gives_each_listed_id_to_the_first_visit_that_listed_it(empty_database_app):  # noqa: F811
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    p1, p2, p3 = (uuid.uuid4() for _ in range(3))
    with empty_database_app.app_context():
        upgrade(revision="0005_sso")
        with db.engine.begin() as connection:
            insert_trust_and_school(connection)
            insert_row(
                connection, "user", id=1, email="c@x.org", name="C", active=True, created_at=T0
            )
            # Listed out of order: `second` was saved after `first` and lists p2 again.
            for visit_id, listed, minutes in (
                (second, [p2, p3], 5),
                (first, [p1, p2], 0),
                (third, [], 9),
            ):
                insert_row(
                    connection,
                    "visit",
                    id=visit_id,
                    school_id=1,
                    coach_id=1,
                    teacher_id=1,
                    started_at=T0,
                    duration_minutes=10,
                    class_name="",
                    subject="",
                    notes="",
                    captured_offline=False,
                    expected_photo_ids=json.dumps([str(p) for p in listed]),
                    created_at=T0 + timedelta(minutes=minutes),
                    updated_at=T0,
                )
        upgrade()
        assert _claims() == {str(p1): str(first), str(p2): str(first), str(p3): str(second)}
