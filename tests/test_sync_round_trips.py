"""The sync PUT's database round trips, counted (a count, not a timing): a new visit, a
replay, a library step, and a trust lead's PUT cost the same handful, whatever the size
of the trust; and the answer is the one GET gives."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from tests.api_support import ApiClient, build_world, capture_for
from tests.round_trips import counting_round_trips

#: On PostgreSQL the permission query also takes the teacher's lock and answers whether
#: the user reads the reflection, and the visit with its new step (find the live one,
#: close it, insert it, the visit pointing at it) is one statement: with the session's
#: check, BEGIN and COMMIT, five (the pool checks its connection without one: see
#: tests/test_db_connections.py). It was 13, then 7.
MAX_ROUND_TRIPS = 5
#: A replay also locks and reads the saved visit, and its step's visits for the answer.
MAX_ROUND_TRIPS_REPLAY = 7
#: Keeping the teacher's step checks that step first, and the answer lists its visits.
MAX_ROUND_TRIPS_KEEPING = 7
#: SQLite keeps the Python path for the step: lock, find, close, insert, point.
MAX_ROUND_TRIPS_SQLITE = 11


def _most(engine, postgresql=MAX_ROUND_TRIPS) -> int:
    return postgresql if engine.dialect.name == "postgresql" else MAX_ROUND_TRIPS_SQLITE


@pytest.fixture
def world(app):
    return build_world()


def _put(app, api, body, visit_id=None):
    visit_id = visit_id or str(uuid.uuid4())
    with counting_round_trips(db.engine) as counted:
        response = api.put_visit(visit_id, body)
    return response, counted, visit_id


@pytest.mark.parametrize("email", ["coach@a1.test", "lead@a1.test", "lead@trust-a.test"])
def test_a_new_visit_takes_a_fixed_handful_of_round_trips(app, world, client, email):
    api = ApiClient(client).sign_in(email)
    body = capture_for(world["people"]["teacher"])
    body["action_step"]["library_step_id"] = world["steps"]["a1_only"].id
    response, counted, visit_id = _put(app, api, body)
    assert response.status_code == 201, response.get_json()
    assert counted.total <= _most(db.engine), counted.statements
    assert response.get_json() == api.get_visit(visit_id).get_json()


def test_a_replay_takes_a_fixed_handful_of_round_trips(app, world, client):
    api = ApiClient(client).sign_in("coach@a1.test")
    body = capture_for(world["people"]["teacher"])
    first, _, visit_id = _put(app, api, body)
    again, counted, _ = _put(app, api, body, visit_id)
    assert again.status_code == 200
    assert counted.total <= _most(db.engine, MAX_ROUND_TRIPS_REPLAY), counted.statements
    assert again.get_json() == first.get_json()


def test_a_visit_that_keeps_practising_takes_a_fixed_handful_of_round_trips(app, world, client):
    api = ApiClient(client).sign_in("coach@a1.test")
    first, _, first_id = _put(app, api, capture_for(world["people"]["teacher"]))
    later = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    body = capture_for(world["people"]["teacher"], started_at=later)
    body["action_step"] = {"step_id": first.get_json()["action_step"]["id"]}
    response, counted, visit_id = _put(app, api, body)
    assert response.status_code == 201, response.get_json()
    assert counted.total <= _most(db.engine, MAX_ROUND_TRIPS_KEEPING), counted.statements
    assert response.get_json()["action_step"]["visit_ids"] == [first_id, visit_id]
    assert response.get_json() == api.get_visit(visit_id).get_json()
