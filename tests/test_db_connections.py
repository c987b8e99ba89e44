"""A pooled connection the database server has closed (a restart, a failover, an idle
timeout) is replaced when it is taken from the pool: the next request is served, not
refused. Real PostgreSQL ends every other session of the test's database
(pg_terminate_backend, as a restart does); SQLite has no server to do so."""

from __future__ import annotations

import time
import uuid

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.api_support import ApiClient, build_world, capture_for
from tests.conftest import TEST_DATABASE_URL


def _end_the_pools_sessions(database: str) -> int:
    """Terminate every session of `database` (none of them is this function's), and wait
    until they have gone. How many there were."""
    engine = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    sessions = sa.text(
        "SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
    )
    try:
        with engine.connect() as connection:
            pids = connection.scalars(sessions, {"name": database}).all()
            for pid in pids:
                connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            deadline = time.monotonic() + 10
            while connection.scalars(sessions, {"name": database}).all():
                assert time.monotonic() < deadline, "the sessions did not end"
                time.sleep(0.05)
        return len(pids)
    finally:
        engine.dispose()


@pytest.fixture
def api(app, client):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("only a database server closes its connections")
    world = build_world()
    return ApiClient(client).sign_in("coach@a1.test"), world


def test_the_next_request_after_the_server_closed_the_pools_connections_is_served(api):
    api, world = api
    body = capture_for(world["people"]["teacher"])
    assert api.get("/api/v1/me").status_code == 200
    db.session.remove()  # every connection back in the pool
    assert _end_the_pools_sessions(db.engine.url.database) >= 1
    response = api.put_visit(uuid.uuid4(), body)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert api.get("/api/v1/me").status_code == 200
