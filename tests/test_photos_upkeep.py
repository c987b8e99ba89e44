"""`flask photos-check [--repair]` and `flask photos-migrate`, on the photo folder and on a
real S3 server (moto's, on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Photo
from app.photos.storage import LocalPhotoStorage, photo_storage
from tests import photo_fixtures as fx
from tests.api_support import as_person, build_world
from tests.servers import free_port


@pytest.fixture
def photo_dir(app, tmp_path, monkeypatch) -> Path:
    """A photo folder of this test's own (the session's folder keeps other tests' files)."""
    monkeypatch.setitem(app.config, "PHOTO_DIR", str(tmp_path / "photos"))
    monkeypatch.setitem(app.extensions, "dropin_photo_storage", None)
    return tmp_path / "photos"


@pytest.fixture(params=["local", "s3"])
def store(request, app, photo_dir):
    """The app's photo store: a fresh folder, or a fresh bucket on the S3 server."""
    if request.param == "s3":
        request.getfixturevalue("s3_photos")
    return photo_storage()


@pytest.fixture
def photos(app, store) -> list[Photo]:
    """Two photos of one visit, uploaded through the API."""
    world = build_world()
    coach = as_person(app, world, "coach")
    for width in (300, 400):
        response = coach.put_photo(world["visit"].id, uuid.uuid4(), fx.plain_jpeg(width, 200))
        assert response.status_code == 201
    db.session.expire_all()
    return list(world["visit"].photos)


def check(runner, *args):
    return runner.invoke(args=["photos-check", *args])


def names(store) -> set[str]:
    return {stored.key for stored in store.files()}


def test_a_store_in_step_with_its_rows_is_reported_clean(runner, photos):
    result = check(runner)
    assert result.exit_code == 0, result.output
    assert "Checked 2 photos and 4 files" in result.output
    assert "0 files without rows, 0 rows without files" in result.output


def test_strays_and_missing_files_are_reported_and_nothing_is_touched(runner, store, photos):
    stray = store.put(b"a file no row refers to")
    store.delete(photos[0].thumbnail_key)
    before = names(store)

    result = check(runner)
    assert result.exit_code == 1
    stray_line = next(line for line in result.output.splitlines() if stray in line)
    assert stray_line.startswith("File without a row:")
    assert (
        f"Row without a file: photo {photos[0].id} of visit {photos[0].visit_id}: "
        f"thumbnail file {photos[0].thumbnail_key} is missing"
    ) in result.output
    assert "1 files without rows, 1 rows without files" in result.output
    assert names(store) == before


def test_repair_removes_only_the_files_without_rows(app, runner, store, photos):
    stray = store.put(b"a file no row refers to")
    kept = {photo.storage_key for photo in photos} | {photo.thumbnail_key for photo in photos}

    result = check(runner, "--repair")
    assert result.exit_code == 0, result.output
    assert "Removed 1 files without rows." in result.output
    with pytest.raises(FileNotFoundError):
        store.read(stray)
    for key in kept:
        assert store.read(key)
    assert check(runner).exit_code == 0


def test_repair_cannot_bring_back_a_missing_file_so_it_still_fails(runner, store, photos):
    store.delete(photos[1].storage_key)
    result = check(runner, "--repair")
    assert result.exit_code == 1
    assert f"display file {photos[1].storage_key} is missing" in result.output


def test_repair_leaves_files_younger_than_min_age(runner, store, photos):
    stray = store.put(b"an upload still in progress")
    result = check(runner, "--repair", "--min-age", "3600")
    assert result.exit_code == 1 and "Removed 0 files without rows." in result.output
    assert store.read(stray) == b"an upload still in progress"


def test_a_partial_write_left_by_a_crash_is_a_stray(request, runner, photo_dir, store, photos):
    name = "ab/ab-half-written.jpg.1234.part"
    if isinstance(store, LocalPhotoStorage):
        (photo_dir / "ab").mkdir(parents=True, exist_ok=True)
        (photo_dir / name).write_bytes(b"half")
    else:
        bucket = request.getfixturevalue("s3_photos")
        s3 = request.getfixturevalue("s3_server").client()
        s3.put_object(Bucket=bucket, Key=f"dropin/{name}", Body=b"half")
    assert f"File without a row: {name}" in check(runner).output
    assert check(runner, "--repair").exit_code == 0 and name not in names(store)


def test_a_store_that_does_not_answer_is_said_plainly(app, runner, s3_photos, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("PHOTO_STORAGE_TIMEOUT", "1")
    result = check(runner)
    assert result.exit_code == 1
    assert "The photo store does not answer" in result.output
    assert "Traceback" not in result.output


def test_photos_migrate_copies_local_photos_to_s3_verified_and_resumable(
    app, runner, photo_dir, s3_server, monkeypatch
):
    world = build_world()
    coach = as_person(app, world, "coach")
    photo_id = uuid.uuid4()
    assert coach.put_photo(world["visit"].id, photo_id, fx.plain_jpeg(500, 300)).status_code == 201
    photo = db.session.get(Photo, photo_id)
    local = photo_storage()
    for name, value in s3_server.env().items():
        monkeypatch.setenv(name, value)
    bucket = s3_server.create_bucket(f"migrate-{uuid.uuid4().hex[:8]}")
    target = f"s3://{bucket}/photos"

    first = runner.invoke(args=["photos-migrate", "--to", target])
    assert first.exit_code == 0, first.output
    assert "Copied 2 files, 0 already there" in first.output
    assert s3_server.object_names(bucket) == {
        f"photos/{photo.storage_key}",
        f"photos/{photo.thumbnail_key}",
    }
    again = runner.invoke(args=["photos-migrate", "--to", target])
    assert "Copied 0 files, 2 already there" in again.output

    # Switched over, the app serves the same bytes from the bucket.
    monkeypatch.setitem(app.config, "PHOTO_STORAGE", target)
    monkeypatch.setitem(app.extensions, "dropin_photo_storage", None)
    served = coach.get(f"/photos/{photo_id}")
    assert served.status_code == 200
    digest = hashlib.sha256(served.get_data()).hexdigest()
    assert digest == hashlib.sha256(local.read(photo.storage_key)).hexdigest()


def test_photos_migrate_names_what_it_could_not_copy(app, runner, store, photos, tmp_path):
    store.delete(photos[0].thumbnail_key)
    result = runner.invoke(args=["photos-migrate", "--to", str(tmp_path / "copy")])
    assert result.exit_code == 1
    assert "Copied 3 files" in result.output
    assert f"Missing from the source: {photos[0].thumbnail_key}" in result.output


def test_photos_migrate_refuses_to_copy_a_store_onto_itself(app, runner, photo_dir):
    result = runner.invoke(args=["photos-migrate", "--to", app.config["PHOTO_DIR"]])
    assert result.exit_code == 2 and "already in" in result.output
