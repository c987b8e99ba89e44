"""The backup and restore the README documents, carried out: pg_dump of the database and
`flask photos-migrate` of the photo store to a backup folder; then pg_restore into a fresh
database and photos-migrate into a fresh bucket. The restored app serves the same visits,
the same photo bytes and the same CSV bytes."""

from __future__ import annotations

import subprocess
import uuid

import pytest
import sqlalchemy as sa

from tests import photo_fixtures as fx
from tests.cluster import (
    PASSWORD,
    AppServer,
    Person,
    app_environment,
    flask_command,
    new_visit,
)
from tests.conftest import (
    TEST_DATABASE_URL,
    create_throwaway_postgres_database,
    drop_postgres_database,
)

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)"
)
CSV = "/exports/visits.csv?week=2026-W47"


def libpq_url(url: str) -> str:
    """pg_dump and pg_restore take libpq's URL: no SQLAlchemy driver name."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def what_people_see(server: AppServer, visit_ids: list[str], photo_ids: list[str]) -> dict:
    coach, lead = Person(), Person()
    assert coach.sign_in(server, "coach@example.org", PASSWORD).status_code == 302
    assert lead.sign_in(server, "lead@example.org", PASSWORD).status_code == 302
    seen = {
        "visits": [coach.get(f"{server.url}/api/v1/visits/{v}").json() for v in visit_ids],
        "photos": [coach.get(f"{server.url}/photos/{p}").content for p in photo_ids],
        "thumbnails": [coach.get(f"{server.url}/photos/{p}/thumbnail").content for p in photo_ids],
        "csv": lead.get(server.url + CSV).content,
    }
    assert all(seen["photos"]) and all(seen["thumbnails"])
    return seen


def seed_visits_with_photos(server: AppServer) -> tuple[list[str], list[str]]:
    coach = Person()
    assert coach.sign_in(server, "coach@example.org").status_code == 302
    me = coach.get(f"{server.url}/api/v1/me").json()
    visit_ids, photo_ids = [], []
    for teacher in me["teachers"][:2]:
        photos = [str(uuid.uuid4()), str(uuid.uuid4())]
        visit_id, body = new_visit(teacher["id"], photos)
        assert coach.put_visit(server, visit_id, body).status_code == 201
        for number, photo_id in enumerate(photos):
            data = fx.plain_jpeg(600 + number * 40, 400)
            assert coach.put_photo(server, visit_id, photo_id, data).status_code == 201
        visit_ids.append(visit_id)
        photo_ids.extend(photos)
    return visit_ids, photo_ids


@pytest.fixture
def databases():
    made = []

    def make() -> str:
        made.append(create_throwaway_postgres_database())
        return made[-1]

    yield make
    for url in made:
        drop_postgres_database(url)


def test_a_backup_restores_into_a_fresh_database_and_store(s3_server, databases, tmp_path_factory):
    logs, backup = tmp_path_factory.mktemp("logs"), tmp_path_factory.mktemp("backup")
    live_db, live_bucket = databases(), s3_server.create_bucket(f"live-{uuid.uuid4().hex[:8]}")
    live = app_environment(live_db, s3_server.env(), f"s3://{live_bucket}/photos")
    server = AppServer(live, logs, "live").wait()
    try:
        flask_command(live, "seed-demo", "--password", PASSWORD)
        visit_ids, photo_ids = seed_visits_with_photos(server)
        before = what_people_see(server, visit_ids, photo_ids)

        # The backup: the database, then the photos (a photo stored in between is only an
        # extra file in the backup, which photos-check would report and can remove).
        run("pg_dump", "--format=custom", "--no-owner", "--no-acl",
            "--file", str(backup / "dropin.dump"), libpq_url(live_db))  # fmt: skip
        copied = flask_command(live, "photos-migrate", "--to", str(backup / "photos"))
        assert "Copied 8 files" in copied
    finally:
        server.stop()

    # The restore: an empty database and an empty bucket, as after losing both.
    fresh_db, fresh_bucket = databases(), s3_server.create_bucket(f"new-{uuid.uuid4().hex[:8]}")
    run("pg_restore", "--no-owner", "--no-acl", "--exit-on-error",
        "--dbname", libpq_url(fresh_db), str(backup / "dropin.dump"))  # fmt: skip
    restored = app_environment(fresh_db, s3_server.env(), f"s3://{fresh_bucket}/photos")
    flask_command(restored, "photos-migrate", "--from", str(backup / "photos"),
                  "--to", f"s3://{fresh_bucket}/photos")  # fmt: skip
    assert "0 rows without files" in flask_command(restored, "photos-check")

    server = AppServer(restored, logs, "restored").wait()
    try:
        after = what_people_see(server, visit_ids, photo_ids)
    finally:
        server.stop()
    assert after == before
    assert before["csv"].count(b"\n") >= 3  # the header and the two visits at least
