"""Photos in an S3-compatible store (PHOTO_STORAGE=s3://bucket/prefix), against moto's real
S3 HTTP server on 127.0.0.1: store, replay, conflict, serve, delete, missing object, and a
store that does not answer."""

from __future__ import annotations

import io
import uuid

import pytest
import sqlalchemy as sa
from PIL import Image

from app.extensions import db
from app.models import Photo, Visit
from app.photos.s3 import S3PhotoStorage
from app.photos.storage import LocalPhotoStorage, StorageUnavailable, photo_storage
from tests import photo_fixtures as fx
from tests.api_support import SEES_THE_VISIT, as_person, build_world, capture_for
from tests.conftest import make_test_app
from tests.servers import free_port


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def coach(app, world):
    return as_person(app, world, "coach")


def objects(s3_server, bucket) -> set[str]:
    return s3_server.object_names(bucket)


def photo_rows() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Photo))


def test_photo_storage_follows_the_setting(app, s3_photos):
    storage = photo_storage()
    assert isinstance(storage, S3PhotoStorage)
    assert storage.location == f"s3://{s3_photos}/dropin/"


def test_without_the_setting_photos_stay_in_the_photo_folder(app):
    storage = photo_storage()
    assert isinstance(storage, LocalPhotoStorage)
    assert storage.location == app.config["PHOTO_DIR"]


def test_a_photo_is_stored_in_the_bucket_once_then_replayed(
    app, world, coach, s3_server, s3_photos
):
    visit_id, photo_id = world["visit"].id, str(uuid.uuid4())
    data = fx.jpeg_with_gps_and_orientation(2400, 1800)

    assert coach.put_photo(visit_id, photo_id, data).status_code == 201
    stored = objects(s3_server, s3_photos)
    assert len(stored) == 2
    for name in stored:  # under the prefix, a random key, the cleaned bytes
        assert name.startswith("dropin/") and photo_id not in name and str(visit_id) not in name
        body = s3_server.client().get_object(Bucket=s3_photos, Key=name)["Body"].read()
        assert b"Exif" not in body
    row = db.session.get(Photo, uuid.UUID(photo_id))
    assert {f"dropin/{row.storage_key}", f"dropin/{row.thumbnail_key}"} == stored

    replay = coach.put_photo(visit_id, photo_id, data)
    assert replay.status_code == 200 and replay.get_json()["id"] == photo_id
    assert objects(s3_server, s3_photos) == stored and photo_rows() == 1


def test_other_bytes_under_the_same_id_are_a_conflict(app, world, coach, s3_server, s3_photos):
    visit_id, photo_id = world["visit"].id, str(uuid.uuid4())
    assert coach.put_photo(visit_id, photo_id, fx.plain_jpeg(800, 600)).status_code == 201
    before = objects(s3_server, s3_photos)
    conflict = coach.put_photo(visit_id, photo_id, fx.plain_jpeg(600, 800))
    assert conflict.status_code == 409 and conflict.get_json()["id"] == photo_id
    assert objects(s3_server, s3_photos) == before


@pytest.mark.parametrize("person", ["coach", "teacher", "school_lead", "other_teacher", "admin"])
def test_a_photo_from_the_bucket_is_served_only_to_those_who_may_see_it(
    app, world, coach, s3_photos, person
):
    photo_id = str(uuid.uuid4())
    data = fx.jpeg_with_gps_and_orientation(2400, 1800)
    assert coach.put_photo(world["visit"].id, photo_id, data).status_code == 201
    viewer = as_person(app, world, person)
    for path, size in (
        (f"/photos/{photo_id}", (1200, 1600)),
        (f"/photos/{photo_id}/thumbnail", (240, 320)),
    ):
        response = viewer.get(path)
        if SEES_THE_VISIT[person]:
            assert response.status_code == 200 and response.mimetype == "image/jpeg"
            assert response.headers["Cache-Control"] == "private, no-cache"
            assert "Location" not in response.headers  # streamed, never a redirect
            assert Image.open(io.BytesIO(response.get_data())).size == size
        else:
            assert response.status_code == 404


def test_a_photo_missing_from_the_bucket_is_404_not_500(app, world, coach, s3_server, s3_photos):
    photo_id = str(uuid.uuid4())
    coach.put_photo(world["visit"].id, photo_id, fx.plain_jpeg(300, 200))
    row = db.session.get(Photo, uuid.UUID(photo_id))
    s3_server.client().delete_object(Bucket=s3_photos, Key=f"dropin/{row.thumbnail_key}")
    assert coach.get(f"/photos/{photo_id}/thumbnail").status_code == 404
    assert coach.get(f"/photos/{photo_id}").status_code == 200


def test_delete_removes_the_object_and_a_second_delete_is_harmless(app, s3_server, s3_photos):
    storage = photo_storage()
    key = storage.put(b"not really a jpeg")
    assert storage.read(key) == b"not really a jpeg"
    storage.delete(key)
    storage.delete(key)
    assert objects(s3_server, s3_photos) == set()
    with pytest.raises(FileNotFoundError):
        storage.read(key)


def test_a_failed_commit_leaves_no_object_behind(
    app, world, coach, s3_server, s3_photos, monkeypatch
):
    def refuse_to_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", refuse_to_commit)
    response = coach.put_photo(world["visit"].id, uuid.uuid4(), fx.plain_jpeg(300, 200))
    monkeypatch.undo()
    assert response.status_code == 500
    assert objects(s3_server, s3_photos) == set() and photo_rows() == 0


class StoreSwitch:
    """Points the app at the S3 server (up) or at a port where nothing listens (down)."""

    def __init__(self, app, s3_server, monkeypatch):
        self.app, self.s3_server, self.monkeypatch = app, s3_server, monkeypatch
        monkeypatch.setenv("PHOTO_STORAGE_TIMEOUT", "1")

    def _point_at(self, endpoint: str) -> None:
        self.monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        self.app.extensions["dropin_photo_storage"] = None

    def down(self) -> None:
        self._point_at(f"http://127.0.0.1:{free_port()}")

    def up(self) -> None:
        self._point_at(self.s3_server.endpoint)


@pytest.fixture
def store(app, s3_server, s3_photos, monkeypatch):
    return StoreSwitch(app, s3_server, monkeypatch)


def test_an_unreachable_store_answers_503_and_the_visit_waits_for_its_photo(
    app, world, coach, s3_server, s3_photos, store
):
    teacher = world["people"]["teacher"]
    visit_id, photo_id = uuid.uuid4(), str(uuid.uuid4())
    sent = coach.put_visit(visit_id, capture_for(teacher, photo_ids=[photo_id]))
    assert sent.status_code == 201

    store.down()
    refused = coach.put_photo(visit_id, photo_id, fx.plain_jpeg(640, 480))
    assert refused.status_code == 503 and refused.is_json
    assert refused.get_json()["id"] == photo_id and "try again" in refused.get_json()["error"]
    assert refused.headers["Retry-After"] == "30"
    assert photo_rows() == 0 and db.session.get(Visit, visit_id) is not None
    assert coach.get_visit(visit_id).get_json()["photos"] == []

    store.up()  # the phone's retry stores the photo
    retry = coach.put_photo(visit_id, photo_id, fx.plain_jpeg(640, 480))
    assert retry.status_code == 201
    assert [p["id"] for p in coach.get_visit(visit_id).get_json()["photos"]] == [photo_id]
    assert len(objects(s3_server, s3_photos)) == 2


def test_serving_from_an_unreachable_store_is_503(app, world, coach, store):
    photo_id = str(uuid.uuid4())
    assert coach.put_photo(world["visit"].id, photo_id, fx.plain_jpeg(300, 200)).status_code == 201
    store.down()
    response = coach.get(f"/photos/{photo_id}")
    assert response.status_code == 503 and "try again" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "30"


def test_a_store_failing_half_way_keeps_no_stray_file(
    app, world, coach, s3_server, s3_photos, monkeypatch
):
    storage = photo_storage()
    real_put, calls = storage.put, []

    def put_then_fail(data):
        calls.append(data)
        if len(calls) == 2:
            raise StorageUnavailable("the store went away between the two files")
        return real_put(data)

    monkeypatch.setattr(storage, "put", put_then_fail)
    response = coach.put_photo(world["visit"].id, uuid.uuid4(), fx.plain_jpeg(300, 200))
    assert response.status_code == 503
    assert objects(s3_server, s3_photos) == set() and photo_rows() == 0


@pytest.mark.parametrize("setting", ["s3:///no-bucket", "S3//bucket/x", "/srv/photos", "minio://b"])
def test_a_mistyped_storage_setting_stops_the_start(tmp_path, setting):
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        make_test_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", str(tmp_path), PHOTO_STORAGE=setting)
