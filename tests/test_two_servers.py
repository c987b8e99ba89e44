"""Two app servers (boot.sh, gunicorn, production settings) on one PostgreSQL database and one
S3 store, started at the same moment as in a rolling deployment: whichever server a request
reaches, a coach's session, throttling, visits, photos and replays behave as on one server."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid

import pytest

from tests import photo_fixtures as fx
from tests.cluster import AppServer, Person, app_environment, flask_command, new_visit
from tests.conftest import (
    TEST_DATABASE_URL,
    create_throwaway_postgres_database,
    drop_postgres_database,
)

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)"
)
COACH, TEACHER = "coach@example.org", "teacher@example.org"


@pytest.fixture(scope="module")
def servers(s3_server, tmp_path_factory):
    database = create_throwaway_postgres_database()
    bucket = s3_server.create_bucket(f"two-servers-{uuid.uuid4().hex[:8]}")
    environment = app_environment(database, s3_server.env(), f"s3://{bucket}/photos")
    logs = tmp_path_factory.mktemp("logs")
    # Both start (and so migrate) at once: one migrates, the other waits for it.
    first, second = AppServer(environment, logs, "a"), AppServer(environment, logs, "b")
    try:
        first.wait(), second.wait()
        flask_command(environment, "seed-demo", "--password", "cluster-demo-password")
        yield {"a": first, "b": second, "bucket": bucket}
    finally:
        first.stop(), second.stop()
        drop_postgres_database(database)


@pytest.fixture
def coach(servers) -> Person:
    person = Person()
    assert person.sign_in(servers["a"], COACH).status_code == 302
    return person


def teacher_id(person: Person, server: AppServer) -> int:
    me = person.get(f"{server.url}/api/v1/me").json()
    return next(t["id"] for t in me["teachers"] if t["email"] == TEACHER)


def test_both_servers_migrated_the_one_database_and_are_ready(servers):
    for name in ("a", "b"):
        ready = Person().get(f"{servers[name].url}/readyz")
        assert ready.status_code == 200 and ready.json()["photos"] == "ok"


def test_a_session_made_on_one_server_works_on_the_other(servers, coach):
    me = coach.get(f"{servers['b'].url}/api/v1/me")
    assert me.status_code == 200 and me.json()["email"] == COACH


def test_a_visit_sent_to_one_server_and_its_photo_to_the_other_reads_the_same_on_both(
    s3_server, servers, coach
):
    a, b = servers["a"], servers["b"]
    photo_id = str(uuid.uuid4())
    visit_id, body = new_visit(teacher_id(coach, a), [photo_id])
    assert coach.put_visit(a, visit_id, body).status_code == 201
    assert coach.put_photo(b, visit_id, photo_id, fx.plain_jpeg(800, 600)).status_code == 201

    views = [coach.get(f"{server.url}/api/v1/visits/{visit_id}").json() for server in (a, b)]
    assert views[0] == views[1]
    assert [photo["id"] for photo in views[0]["photos"]] == [photo_id]
    photos = [coach.get(f"{server.url}/photos/{photo_id}") for server in (a, b)]
    assert all(p.status_code == 200 and p.headers["Content-Type"] == "image/jpeg" for p in photos)
    assert hashlib.sha256(photos[0].content).digest() == hashlib.sha256(photos[1].content).digest()
    assert len(s3_server.object_names(servers["bucket"])) >= 2

    stranger = Person()
    assert stranger.sign_in(b, "teacher2@example.org").status_code == 302
    assert stranger.get(f"{a.url}/photos/{photo_id}").status_code == 404


def test_sign_in_throttling_counts_failures_on_both_servers(servers):
    a, b = servers["a"], servers["b"]
    attacker = Person()
    for server in (a, b, a, b, a):
        assert attacker.sign_in(server, TEACHER, "wrong password").status_code == 401
    assert attacker.sign_in(b, TEACHER).status_code == 429


def test_concurrent_replays_to_both_servers_make_one_visit_and_one_photo(s3_server, servers, coach):
    a, b = servers["a"], servers["b"]
    photo_id = str(uuid.uuid4())
    visit_id, body = new_visit(teacher_id(coach, a), [photo_id])
    photo = fx.plain_jpeg(640, 480)
    objects_before = s3_server.object_names(servers["bucket"])

    def replay_everywhere(send) -> list[int]:
        barrier, statuses = threading.Barrier(6, timeout=60), []

        def one(server):
            barrier.wait()
            statuses.append(send(server).status_code)

        threads = [threading.Thread(target=one, args=(s,)) for s in (a, b) * 3]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sorted(statuses)

    # Each thread its own connection but the coach's cookies: one phone, many retries.
    assert replay_everywhere(lambda s: coach.put_visit(s, visit_id, body)) == [200] * 5 + [201]
    sent = replay_everywhere(lambda s: coach.put_photo(s, visit_id, photo_id, photo))
    assert sent == [200] * 5 + [201]
    visit = coach.get(f"{b.url}/api/v1/visits/{visit_id}").json()
    assert [p["id"] for p in visit["photos"]] == [photo_id]
    assert len(s3_server.object_names(servers["bucket"]) - objects_before) == 2


def test_each_server_logs_json_lines_with_the_request_id_it_returned(servers, coach):
    for server in (servers["a"], servers["b"]):
        response = coach.get(f"{server.url}/api/v1/me")
        request_id = response.headers["X-Request-ID"]
        lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        mine = [line for line in lines if line.get("request_id") == request_id]
        assert len(mine) == 1
        assert mine[0]["path"] == "/api/v1/me" and mine[0]["status"] == 200
        assert isinstance(mine[0]["user_id"], int) and COACH not in json.dumps(lines)
