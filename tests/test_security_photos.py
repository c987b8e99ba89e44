"""Photos under attack (issue 11): the per-visit limit under concurrent uploads, the
memory budget per photo, and bounded concurrent processing."""

from __future__ import annotations

import io
import threading
import uuid

import pytest
import sqlalchemy as sa
from PIL import Image

from app.extensions import db
from app.limits import PHOTOS_PER_VISIT as MAX_PHOTOS_PER_VISIT
from app.models import Photo
from tests import photo_fixtures as fx
from tests.api_support import ApiClient, as_person, build_world, capture_for
from tests.factories import make_photo

EXTRA = 8


@pytest.fixture
def world(app):
    return build_world()


def _png(width: int, height: int, mode: str = "RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def _fill_visit_but_one(visit) -> None:
    for _ in range(MAX_PHOTOS_PER_VISIT - 1):
        make_photo(visit, width=1, height=1, bytes=1)
    db.session.commit()


def test_concurrent_uploads_never_pass_the_photos_per_visit_limit(app, world):
    visit = world["visit"]
    _fill_visit_but_one(visit)
    visit_id = visit.id
    db.session.remove()
    photos = [fx.jpeg_with_gps_and_orientation(200 + n, 150) for n in range(EXTRA)]
    devices = [ApiClient(app.test_client()).sign_in("coach@a1.test") for _ in photos]
    barrier = threading.Barrier(EXTRA, timeout=60)
    statuses: list[int] = []

    def send(api: ApiClient, data: bytes) -> None:
        barrier.wait()
        statuses.append(api.put_photo(visit_id, uuid.uuid4(), data).status_code)

    threads = [
        threading.Thread(target=send, args=pair) for pair in zip(devices, photos, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201] + [422] * (EXTRA - 1)
    count = db.session.scalar(sa.select(sa.func.count(Photo.id)).where(Photo.visit_id == visit_id))
    assert count == MAX_PHOTOS_PER_VISIT


def test_an_image_too_big_to_decode_in_the_memory_budget_is_refused(app, world):
    coach = as_person(app, world, "coach")
    bomb = _png(7000, 7000)  # 49 megapixels in a few hundred KB: 424 MB to decode
    answer = coach.put_photo(world["visit"].id, uuid.uuid4(), bomb, "image/png")
    assert answer.status_code == 413
    assert "too many pixels" in answer.get_json()["error"]


def test_a_large_jpeg_is_still_accepted(app, world):
    """JPEGs are decoded at a reduced scale, so a 48-megapixel phone photo fits."""
    coach = as_person(app, world, "coach")
    buffer = io.BytesIO()
    Image.new("RGB", (8000, 6000), (90, 120, 150)).save(buffer, "JPEG", quality=60)
    answer = coach.put_photo(world["visit"].id, uuid.uuid4(), buffer.getvalue())
    assert answer.status_code == 201


def test_photo_processing_is_bounded_per_worker(app, world):
    """With every processing slot taken, a photo waits its turn, then answers 503 (the
    device sends it again); once a slot frees, it is processed."""
    coach = as_person(app, world, "coach")
    slots = app.extensions["dropin_photo_slots"]
    taken = 0
    while slots.acquire(blocking=False):
        taken += 1
    assert taken == app.config["PHOTO_PROCESSING_SLOTS"]
    wait, app.config["PHOTO_SLOT_WAIT"] = app.config["PHOTO_SLOT_WAIT"], 0.01
    photo_id, data = uuid.uuid4(), fx.jpeg_with_gps_and_orientation(300, 200)
    try:
        busy = coach.put_photo(world["visit"].id, photo_id, data)
    finally:
        for _ in range(taken):
            slots.release()
        app.config["PHOTO_SLOT_WAIT"] = wait
    assert busy.status_code == 503
    assert coach.put_photo(world["visit"].id, photo_id, data).status_code == 201


def test_someone_who_can_see_a_visit_cannot_claim_its_photo_ids(app, world):
    """The school lead sees the coach's visit and its photo ids; a visit of the lead's own
    cannot list them or take one of them first."""
    coach = as_person(app, world, "coach")
    teacher = world["people"]["teacher"]
    visit_id, photo_id = uuid.uuid4(), uuid.uuid4()
    body = capture_for(teacher, photo_ids=[str(photo_id)])
    assert coach.put_visit(visit_id, body).status_code == 201
    lead = as_person(app, world, "school_lead")
    assert str(photo_id) in lead.get_visit(visit_id).get_json()["photo_ids"]

    lead_visit = uuid.uuid4()
    claim = lead.put_visit(lead_visit, capture_for(teacher, photo_ids=[str(photo_id)]))
    assert claim.status_code == 422 and "photo_ids" in claim.get_json()["errors"]
    assert lead.put_visit(lead_visit, capture_for(teacher)).status_code == 201
    data = fx.jpeg_with_gps_and_orientation(300, 200)
    assert lead.put_photo(lead_visit, photo_id, data).status_code == 409

    assert coach.put_photo(visit_id, photo_id, data).status_code == 201
    assert coach.get_visit(visit_id).get_json()["complete"] is True
