"""PUT /api/v1/visits/<uuid>/photos/<uuid> and the authorised photo route."""

from __future__ import annotations

import io
import threading
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from PIL import Image

from app.extensions import db
from app.models import Photo
from tests import photo_fixtures as fx
from tests.api_support import SEES_THE_VISIT, ApiClient, as_person, build_world


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def coach(app, world) -> ApiClient:
    return as_person(app, world, "coach")


def stored_files(app) -> set[Path]:
    return {path for path in Path(app.config["PHOTO_DIR"]).rglob("*") if path.is_file()}


def photo_rows() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Photo))


def test_a_photo_is_stored_once_then_replayed(app, world, coach):
    visit_id, photo_id = world["visit"].id, str(uuid.uuid4())
    before = stored_files(app)
    data = fx.jpeg_with_gps_and_orientation(2400, 1800)

    first = coach.put_photo(visit_id, photo_id, data)
    assert first.status_code == 201
    answer = first.get_json()
    assert answer["id"] == photo_id and answer["visit_id"] == str(visit_id)
    assert (answer["width"], answer["height"]) == (1200, 1600)
    assert answer["url"] == f"/photos/{photo_id}"
    new_files = stored_files(app) - before
    assert len(new_files) == 2
    for path in new_files:  # what is on disk is the cleaned photo, under a random name
        assert photo_id not in path.name and str(visit_id) not in str(path)
        assert b"Exif" not in path.read_bytes()

    replay = coach.put_photo(visit_id, photo_id, data)
    assert replay.status_code == 200 and replay.get_json()["id"] == photo_id
    assert stored_files(app) - before == new_files
    assert photo_rows() == 1


def test_other_bytes_under_the_same_id_are_a_conflict(app, world, coach):
    visit_id, photo_id = world["visit"].id, str(uuid.uuid4())
    assert coach.put_photo(visit_id, photo_id, fx.plain_jpeg(800, 600)).status_code == 201
    before = stored_files(app)
    conflict = coach.put_photo(visit_id, photo_id, fx.plain_jpeg(600, 800))
    assert conflict.status_code == 409
    assert conflict.get_json()["id"] == photo_id
    assert stored_files(app) == before
    assert db.session.get(Photo, uuid.UUID(photo_id)).width == 800


def test_a_photo_id_from_another_visit_is_a_conflict(app, world, coach):
    photo_id = str(uuid.uuid4())
    other = coach.put_visit(
        uuid.uuid4(),
        {
            "teacher_id": world["people"]["teacher"].id,
            "started_at": "2026-11-20T09:00:00Z",
            "action_step": {"text": "Narrate the positive."},
        },
    )
    assert other.status_code == 201
    data = fx.plain_jpeg(300, 200)
    assert coach.put_photo(world["visit"].id, photo_id, data).status_code == 201
    assert coach.put_photo(other.get_json()["id"], photo_id, data).status_code == 409


def test_the_visit_is_complete_once_every_expected_photo_arrived(app, world, coach):
    visit_id = str(uuid.uuid4())
    photo_ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    body = {
        "teacher_id": world["people"]["teacher"].id,
        "started_at": "2026-11-20T09:00:00Z",
        "action_step": {"text": "Narrate the positive."},
        "photo_ids": photo_ids,
    }
    assert coach.put_visit(visit_id, body).get_json()["complete"] is False

    first = coach.put_photo(visit_id, photo_ids[0], fx.plain_jpeg(400, 300))
    assert first.get_json()["visit_complete"] is False
    second = coach.put_photo(
        visit_id, photo_ids[1], fx.heic_with_exif(400, 300), content_type="image/heic"
    )
    assert second.status_code == 201 and second.get_json()["visit_complete"] is True

    visit = coach.get_visit(visit_id).get_json()
    assert visit["complete"] is True
    assert [p["id"] for p in visit["photos"]] == photo_ids
    assert set(visit["photos"][0]) >= {"id", "url", "width", "height"}
    assert visit["photos"][0]["width"] == 400


@pytest.mark.parametrize(
    "data, content_type, status",
    [
        (fx.not_an_image(), "image/jpeg", 415),  # a PDF named photo.jpg
        (fx.gif(), "image/png", 415),  # an image, of a type not accepted
        (fx.plain_jpeg(300, 200), "application/pdf", 415),
        (fx.plain_jpeg(300, 200), "text/plain", 415),
        (b"", "image/jpeg", 415),
        (fx.truncated_jpeg(), "image/jpeg", 422),
        (fx.dimension_bomb(), "image/png", 413),
        (fx.dimension_bomb(8000, 7000), "image/png", 413),
    ],
    ids=["pdf", "gif", "pdf-type", "text-type", "empty", "truncated", "bomb", "big-bomb"],
)
def test_bad_files_get_their_4xx_and_leave_nothing_behind(
    app, world, coach, data, content_type, status
):
    before = stored_files(app)
    photo_id = str(uuid.uuid4())
    response = coach.put_photo(world["visit"].id, photo_id, data, content_type=content_type)
    assert response.status_code == status
    assert response.is_json and response.get_json()["id"] == photo_id
    assert stored_files(app) == before
    assert photo_rows() == 0


def test_a_photo_over_the_size_limit_is_refused_with_413(app, world, coach, monkeypatch):
    data = fx.plain_jpeg(1200, 900)
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", len(data) - 1)
    before = stored_files(app)
    response = coach.put_photo(world["visit"].id, uuid.uuid4(), data)
    assert response.status_code == 413
    assert stored_files(app) == before and photo_rows() == 0


def test_a_chunked_photo_over_the_limit_is_refused_while_streaming(app, world, coach, monkeypatch):
    data = fx.plain_jpeg(1200, 900)
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", len(data) - 1)
    response = coach.request(
        "PUT",
        f"/api/v1/visits/{world['visit'].id}/photos/{uuid.uuid4()}",
        environ_overrides={"wsgi.input": io.BytesIO(data), "wsgi.input_terminated": True},
        headers=coach.headers(**{"Content-Type": "image/jpeg", "Transfer-Encoding": "chunked"}),
    )
    assert response.status_code == 413
    assert photo_rows() == 0


def test_a_percent_encoded_caption_is_kept(app, world, coach):
    photo_id = str(uuid.uuid4())
    caption = "Siân's group: fractions ✓"
    response = coach.put_photo(
        world["visit"].id, photo_id, fx.plain_jpeg(300, 200), **{"X-Photo-Caption": quote(caption)}
    )
    assert response.status_code == 201 and response.get_json()["caption"] == caption
    assert db.session.get(Photo, uuid.UUID(photo_id)).caption == caption


@pytest.mark.parametrize("header", [quote("x" * 201), "%FF%FE", "nul%00byte"])
def test_a_bad_caption_is_named(app, world, coach, header):
    response = coach.put_photo(
        world["visit"].id, uuid.uuid4(), fx.plain_jpeg(300, 200), **{"X-Photo-Caption": header}
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["caption"]
    assert photo_rows() == 0


def test_a_photo_for_a_visit_that_does_not_exist_is_404(app, world, coach):
    response = coach.put_photo(uuid.uuid4(), uuid.uuid4(), fx.plain_jpeg(300, 200))
    assert response.status_code == 404


@pytest.mark.parametrize("person", [p for p in SEES_THE_VISIT if p != "coach"])
def test_only_the_visits_coach_can_add_a_photo(app, world, person):
    before = stored_files(app)
    response = as_person(app, world, person).put_photo(
        world["visit"].id, uuid.uuid4(), fx.plain_jpeg(300, 200)
    )
    assert response.status_code == 404
    assert stored_files(app) == before and photo_rows() == 0


@pytest.mark.parametrize("person", SEES_THE_VISIT)
def test_a_photo_is_served_only_to_those_who_may_see_its_visit(app, world, coach, person):
    photo_id = str(uuid.uuid4())
    assert (
        coach.put_photo(
            world["visit"].id, photo_id, fx.jpeg_with_gps_and_orientation(2400, 1800)
        ).status_code
        == 201
    )
    viewer = as_person(app, world, person)
    for path, size in (
        (f"/photos/{photo_id}", (1200, 1600)),
        (f"/photos/{photo_id}/thumbnail", (240, 320)),
    ):
        response = viewer.get(path)
        if SEES_THE_VISIT[person]:
            assert response.status_code == 200
            assert response.mimetype == "image/jpeg"
            assert response.headers["Cache-Control"] == "private, no-cache"
            image = Image.open(io.BytesIO(response.get_data()))
            assert image.size == size and len(image.getexif()) == 0
        else:
            assert response.status_code == 404


def test_photos_need_a_signed_in_user(app, world, coach, client):
    photo_id = str(uuid.uuid4())
    coach.put_photo(world["visit"].id, photo_id, fx.plain_jpeg(300, 200))
    response = client.get(f"/photos/{photo_id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    unauthenticated = client.put(
        f"/api/v1/visits/{world['visit'].id}/photos/{uuid.uuid4()}",
        data=b"x",
        content_type="image/jpeg",
    )
    assert unauthenticated.status_code == 401 and unauthenticated.is_json


def test_ten_concurrent_replays_leave_one_photo_and_two_files(app, world):
    visit_id, photo_id = world["visit"].id, uuid.uuid4()
    data = fx.jpeg_with_gps_and_orientation(1200, 900)
    before = stored_files(app)
    db.session.remove()
    barrier = threading.Barrier(10)
    statuses: list[int] = []

    def send():
        api = ApiClient(app.test_client()).sign_in("coach@a1.test")
        barrier.wait()
        statuses.append(api.put_photo(visit_id, photo_id, data).status_code)

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 9 + [201]
    assert photo_rows() == 1
    assert len(stored_files(app) - before) == 2


def test_a_replay_with_a_new_caption_changes_only_the_caption(app, world, coach):
    photo_id, data = str(uuid.uuid4()), fx.plain_jpeg(300, 200)
    assert coach.put_photo(world["visit"].id, photo_id, data).status_code == 201
    before = stored_files(app)
    replay = coach.put_photo(
        world["visit"].id, photo_id, data, **{"X-Photo-Caption": "Exit%20tickets"}
    )
    assert replay.status_code == 200 and replay.get_json()["caption"] == "Exit tickets"
    assert stored_files(app) == before and photo_rows() == 1


def test_the_browser_revalidates_a_photo_with_its_etag(app, world, coach):
    photo_id = str(uuid.uuid4())
    coach.put_photo(world["visit"].id, photo_id, fx.plain_jpeg(300, 200))
    first = coach.get(f"/photos/{photo_id}/thumbnail")
    again = coach.get(
        f"/photos/{photo_id}/thumbnail", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.get_data() == b""


def test_a_failed_commit_leaves_no_file_behind(app, world, coach, monkeypatch):
    def refuse_to_commit():
        raise RuntimeError("the database went away")

    before = stored_files(app)
    monkeypatch.setattr(db.session, "commit", refuse_to_commit)
    response = coach.put_photo(world["visit"].id, uuid.uuid4(), fx.plain_jpeg(300, 200))
    monkeypatch.undo()
    assert response.status_code == 500 and response.is_json
    assert stored_files(app) == before and photo_rows() == 0


def _visit_with_two_photos(world, coach) -> tuple[str, dict, list[str]]:
    visit_id, photo_ids = str(uuid.uuid4()), [str(uuid.uuid4()), str(uuid.uuid4())]
    body = {
        "teacher_id": world["people"]["teacher"].id,
        "started_at": "2026-11-20T09:00:00Z",
        "action_step": {"text": "Narrate the positive."},
        "photo_ids": photo_ids,
        "updated_at": "2026-11-20T09:10:00Z",
    }
    assert coach.put_visit(visit_id, body).status_code == 201
    for index, photo_id in enumerate(photo_ids):
        data = fx.plain_jpeg(300 + index, 200)
        assert coach.put_photo(visit_id, photo_id, data).status_code == 201
    return visit_id, body, photo_ids


def test_a_photo_the_device_no_longer_lists_is_deleted_with_its_files(app, world, coach):
    visit_id, body, photo_ids = _visit_with_two_photos(world, coach)
    files = stored_files(app)
    fixed = {**body, "photo_ids": photo_ids[1:], "updated_at": "2026-11-20T09:20:00Z"}

    answer = coach.put_visit(visit_id, fixed)

    assert answer.status_code == 200
    assert [p["id"] for p in answer.get_json()["photos"]] == photo_ids[1:]
    assert answer.get_json()["complete"] is True
    assert photo_rows() == 1
    assert len(files - stored_files(app)) == 2  # display and thumbnail of the dropped one
    assert coach.put_visit(visit_id, fixed).status_code == 200  # a replay changes nothing
    assert photo_rows() == 1


def test_photos_stay_when_the_device_does_not_list_them_or_sends_an_older_edit(app, world, coach):
    visit_id, body, photo_ids = _visit_with_two_photos(world, coach)
    files = stored_files(app)
    unlisted = {key: value for key, value in body.items() if key != "photo_ids"}
    assert coach.put_visit(visit_id, {**unlisted, "notes": "More."}).status_code == 200
    older = {**body, "photo_ids": [], "updated_at": "2026-11-20T09:05:00Z"}
    assert coach.put_visit(visit_id, older).status_code == 200
    assert photo_rows() == 2 and stored_files(app) == files


@pytest.mark.parametrize("person", ["peer", "school_lead", "teacher", "b_coach"])
def test_only_the_visits_coach_can_drop_its_photos(app, world, coach, person):
    visit_id, body, photo_ids = _visit_with_two_photos(world, coach)
    other = as_person(app, world, person)
    answer = other.put_visit(visit_id, {**body, "photo_ids": [], "updated_at": None})
    assert answer.status_code in (404, 409)
    assert photo_rows() == 2
