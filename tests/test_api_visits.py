"""PUT/GET /api/v1/visits/<uuid>: create, replay, edit, refuse; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ActionStep, Visit
from tests.api_support import SEES_THE_VISIT, ApiClient, as_person, build_world, capture_for


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def api(client):
    return ApiClient(client)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_new_visit_is_created_with_201_and_its_id(world, api):
    teacher = world["people"]["teacher"]
    api.sign_in("coach@a1.test")
    visit_id = str(uuid.uuid4())
    body = capture_for(
        teacher,
        captured_offline=True,
        photo_ids=[str(uuid.uuid4())],
        created_at="2026-11-23T09:00:00+00:00",
        updated_at="2026-11-23T09:05:00+00:00",
    )
    body["action_step"]["library_step_id"] = world["steps"]["a1_only"].id

    response = api.put_visit(visit_id, body)

    assert response.status_code == 201
    answer = response.get_json()
    assert answer["id"] == visit_id
    assert answer["teacher_id"] == teacher.id and answer["school"] == "a1"
    assert answer["action_step"]["text"] == body["action_step"]["text"]
    assert answer["action_step"]["category"] == "Behaviour"
    assert answer["action_step"]["status"] == "new"
    assert answer["photos"] == [] and answer["complete"] is False
    visit = db.session.get(Visit, uuid.UUID(visit_id))
    assert visit.coach.email == "coach@a1.test"
    assert visit.captured_offline is True
    assert visit.client_created_at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert visit.started_at == datetime.fromisoformat(body["started_at"])


def test_the_same_body_again_answers_200_and_changes_nothing(world, api):
    api.sign_in("coach@a1.test")
    visit_id = str(uuid.uuid4())
    body = capture_for(world["people"]["teacher"])
    assert api.put_visit(visit_id, body).status_code == 201
    saved_at = db.session.get(Visit, uuid.UUID(visit_id)).updated_at

    for _ in range(3):
        replay = api.put_visit(visit_id, body)
        assert replay.status_code == 200
        assert replay.get_json()["id"] == visit_id

    assert count(Visit) == 2 and count(ActionStep) == 2  # with the world's own visit
    assert db.session.get(Visit, uuid.UUID(visit_id)).updated_at == saved_at


def test_the_same_instant_in_another_offset_is_the_same_body(world, api):
    api.sign_in("coach@a1.test")
    visit_id = str(uuid.uuid4())
    started = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    body = capture_for(world["people"]["teacher"], started_at=started.isoformat())
    assert api.put_visit(visit_id, body).status_code == 201
    body["started_at"] = "2026-11-23T10:30:00+01:00"
    response = api.put_visit(visit_id, body)
    assert response.status_code == 200
    assert response.get_json()["started_at"].startswith("2026-11-23T09:30:00")


def test_the_coach_can_edit_their_visit_and_the_latest_edit_wins(world, api):
    api.sign_in("coach@a1.test")
    visit_id = str(uuid.uuid4())
    teacher = world["people"]["teacher"]
    first = capture_for(teacher, updated_at="2026-11-23T09:00:00+00:00")
    assert api.put_visit(visit_id, first).status_code == 201

    newer = capture_for(teacher, notes="Second thoughts.", updated_at="2026-11-23T09:10:00Z")
    newer["action_step"]["text"] = "Cold-call after the pause."
    response = api.put_visit(visit_id, newer)
    assert response.status_code == 200
    assert response.get_json()["notes"] == "Second thoughts."
    assert response.get_json()["action_step"]["text"] == "Cold-call after the pause."

    older = capture_for(
        teacher, notes="An edit made earlier, delivered late.", updated_at="2026-11-23T09:05:00Z"
    )
    late = api.put_visit(visit_id, older)
    assert late.status_code == 200
    assert late.get_json()["notes"] == "Second thoughts."
    db.session.expire_all()
    visit = db.session.get(Visit, uuid.UUID(visit_id))
    assert visit.notes == "Second thoughts."
    assert visit.client_updated_at == datetime(2026, 11, 23, 9, 10, tzinfo=UTC)


def test_an_edit_cannot_move_a_visit_to_a_teacher_the_coach_may_not_write_for(world, api):
    api.sign_in("coach@a1.test")
    visit_id = str(uuid.uuid4())
    assert api.put_visit(visit_id, capture_for(world["people"]["teacher"])).status_code == 201
    response = api.put_visit(visit_id, capture_for(world["people"]["b_teacher"]))
    assert response.status_code == 422
    assert "teacher_id" in response.get_json()["errors"]
    assert db.session.get(Visit, uuid.UUID(visit_id)).teacher_id == world["people"]["teacher"].id


@pytest.mark.parametrize(
    "person, status", [("b_coach", 404), ("a2_coach", 404), ("school_lead", 409), ("teacher", 409)]
)
def test_someone_else_sending_the_visit_id_changes_nothing(app, world, person, status):
    visit = world["visit"]
    before = (visit.notes, visit.updated_at, visit.teacher_id)
    body = capture_for(world["people"]["teacher"], notes="Overwritten!")
    response = as_person(app, world, person).put_visit(visit.id, body)
    assert response.status_code == status
    assert response.get_json()["id"] == str(visit.id)
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    assert (visit.notes, visit.updated_at, visit.teacher_id) == before


def test_a_visit_for_a_teacher_the_coach_may_not_write_for_is_refused(world, api):
    api.sign_in("coach@a1.test")
    for teacher_id in (
        world["people"]["b_teacher"].id,
        world["people"]["other_teacher"].id,
        999_999,
    ):
        visit_id = str(uuid.uuid4())
        response = api.put_visit(
            visit_id, capture_for(world["people"]["teacher"], teacher_id=teacher_id)
        )
        assert response.status_code == 422
        assert list(response.get_json()["errors"]) == ["teacher_id"]
        assert response.get_json()["id"] == visit_id
    assert count(Visit) == 1


@pytest.mark.parametrize("step", ["a2_only", "trust_b"])
def test_a_library_step_from_another_school_or_trust_is_refused(world, api, step):
    api.sign_in("coach@a1.test")
    body = capture_for(world["people"]["teacher"])
    body["action_step"]["library_step_id"] = world["steps"][step].id
    response = api.put_visit(uuid.uuid4(), body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "action_step": {"library_step_id": ["Not a step in this school's library."]}
    }


def test_a_retired_library_step_still_syncs(world, api):
    """A capture made offline before its step was retired must not be lost."""
    world["steps"]["trust_wide"].retired_at = datetime.now(UTC)
    db.session.commit()
    api.sign_in("coach@a1.test")
    body = capture_for(world["people"]["teacher"])
    body["action_step"]["library_step_id"] = world["steps"]["trust_wide"].id
    assert api.put_visit(uuid.uuid4(), body).status_code == 201


def _future(minutes):
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


BAD_BODIES = [
    ("teacher_id", lambda b: b.pop("teacher_id")),
    ("teacher_id", lambda b: b.update(teacher_id="12")),
    ("started_at", lambda b: b.pop("started_at")),
    ("started_at", lambda b: b.update(started_at="2026-11-23T09:30:00")),  # no offset
    ("started_at", lambda b: b.update(started_at="yesterday")),
    ("started_at", lambda b: b.update(started_at=_future(10))),
    ("duration_minutes", lambda b: b.update(duration_minutes=0)),
    ("duration_minutes", lambda b: b.update(duration_minutes=241)),
    ("duration_minutes", lambda b: b.update(duration_minutes="10")),
    ("duration_minutes", lambda b: b.update(duration_minutes=True)),
    ("class_name", lambda b: b.update(class_name="x" * 81)),
    ("subject", lambda b: b.update(subject=["Maths"])),
    ("notes", lambda b: b.update(notes="x" * 10_001)),
    ("action_step", lambda b: b.pop("action_step")),
    ("action_step", lambda b: b.update(action_step=[{"text": "One"}, {"text": "Two"}])),
    ("action_step", lambda b: b["action_step"].update(text="x" * 281)),
    ("action_step", lambda b: b["action_step"].update(text="   ")),
    ("action_step", lambda b: b["action_step"].update(grade="Outstanding")),
    ("photo_ids", lambda b: b.update(photo_ids=["not-a-uuid"])),
    ("photo_ids", lambda b: b.update(photo_ids=[str(uuid.UUID(int=1))] * 2)),
    ("captured_offline", lambda b: b.update(captured_offline="yes")),
    ("updated_at", lambda b: b.update(updated_at="soon")),
    ("grade", lambda b: b.update(grade="Good")),
    # values a database could not store must be a 422, never a 500
    ("teacher_id", lambda b: b.update(teacher_id=10**30)),
    ("teacher_id", lambda b: b.update(teacher_id=-1)),
    ("action_step", lambda b: b["action_step"].update(library_step_id=2**63)),
    ("notes", lambda b: b.update(notes="nul \x00 byte")),
    ("subject", lambda b: b.update(subject="lone \ud800 surrogate")),
    ("action_step", lambda b: b["action_step"].update(text="\x00")),
    ("started_at", lambda b: b.update(started_at="0001-01-01T00:10:00+01:00")),
    ("started_at", lambda b: b.update(started_at="1999-12-31T09:00:00+00:00")),
    ("created_at", lambda b: b.update(created_at="0001-01-01T00:00:00+14:00")),
]


@pytest.mark.parametrize(
    "field, spoil", BAD_BODIES, ids=[f"{field}-{i}" for i, (field, _) in enumerate(BAD_BODIES)]
)
def test_each_bad_field_is_named_in_a_422(world, api, field, spoil):
    api.sign_in("coach@a1.test")
    body = capture_for(world["people"]["teacher"])
    spoil(body)
    visit_id = str(uuid.uuid4())
    response = api.put_visit(visit_id, body)
    assert response.status_code == 422
    answer = response.get_json()
    assert list(answer["errors"]) == [field]
    assert answer["id"] == visit_id
    assert count(Visit) == 1


def test_several_bad_fields_are_all_named(world, api):
    api.sign_in("coach@a1.test")
    body = capture_for(world["people"]["teacher"], duration_minutes=0, subject="x" * 81)
    body["action_step"]["text"] = ""
    response = api.put_visit(uuid.uuid4(), body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"duration_minutes", "subject", "action_step"}


def test_a_start_within_the_clock_skew_is_accepted(world, api):
    api.sign_in("coach@a1.test")
    body = capture_for(world["people"]["teacher"], started_at=_future(3))
    assert api.put_visit(uuid.uuid4(), body).status_code == 201


def test_optional_fields_take_their_defaults(world, api):
    api.sign_in("coach@a1.test")
    body = {
        "teacher_id": world["people"]["teacher"].id,
        "started_at": "2026-11-20T09:00:00+00:00",
        "action_step": {"text": "Use mini whiteboards."},
    }
    response = api.put_visit(uuid.uuid4(), body)
    assert response.status_code == 201
    answer = response.get_json()
    assert (answer["duration_minutes"], answer["notes"], answer["complete"]) == (10, "", True)


@pytest.mark.parametrize(
    "data, content_type, status",
    [
        (b"{not json", "application/json", 400),
        (b"", "application/json", 400),
        (b"\xff\xfe\x00", "application/json", 400),
        (b"[1, 2]", "application/json", 422),
        (b"teacher_id=1", "application/x-www-form-urlencoded", 415),
        (b"{}", "text/plain", 415),
    ],
)
def test_bodies_that_are_not_a_json_object_are_refused(world, api, data, content_type, status):
    api.sign_in("coach@a1.test")
    visit_id = str(uuid.uuid4())
    response = api.request(
        "PUT",
        f"/api/v1/visits/{visit_id}",
        data=data,
        headers=api.headers(**{"Content-Type": content_type}),
    )
    assert response.status_code == status
    assert response.is_json and response.get_json()["id"] == visit_id


def test_a_body_over_the_limit_is_refused_from_its_length(app, world, api):
    api.sign_in("coach@a1.test")
    body = capture_for(world["people"]["teacher"], notes="x" * app.config["MAX_JSON_BYTES"])
    visit_id = str(uuid.uuid4())
    response = api.put_visit(visit_id, body)
    assert response.status_code == 413
    assert response.get_json()["id"] == visit_id
    assert count(Visit) == 1


class EndlessBody:
    """A chunked upload with no Content-Length that never ends, counting what is read."""

    def __init__(self):
        self.read_bytes = 0

    def read(self, size=-1):
        size = 65536 if size is None or size < 0 else size
        self.read_bytes += size
        return b" " * size


def test_a_chunked_body_over_the_limit_is_refused_without_reading_it_all(app, world, api):
    api.sign_in("coach@a1.test")
    stream = EndlessBody()
    response = api.request(
        "PUT",
        f"/api/v1/visits/{uuid.uuid4()}",
        environ_overrides={"wsgi.input": stream, "wsgi.input_terminated": True},
        headers=api.headers(**{"Content-Type": "application/json", "Transfer-Encoding": "chunked"}),
    )
    assert response.status_code == 413
    assert stream.read_bytes <= app.config["MAX_JSON_BYTES"] + 1


def test_unauthenticated_requests_get_401_json_never_a_redirect(world, client):
    visit_id = str(world["visit"].id)
    for response in (
        client.get(f"/api/v1/visits/{visit_id}"),
        client.put(f"/api/v1/visits/{visit_id}", json={}),
        client.patch(f"/api/v1/visits/{visit_id}/action-step", json={}),
        client.get("/api/v1/library-steps"),
    ):
        assert response.status_code == 401
        assert response.is_json and "Location" not in response.headers
    assert client.get(f"/api/v1/visits/{visit_id}").get_json()["id"] == visit_id


def test_a_write_without_the_csrf_token_is_refused(world, api):
    api.sign_in("coach@a1.test")
    visit_id = str(uuid.uuid4())
    response = api.request(
        "PUT", f"/api/v1/visits/{visit_id}", json=capture_for(world["people"]["teacher"])
    )
    assert response.status_code == 400
    assert response.get_json()["id"] == visit_id
    assert "csrf_token" in response.get_json()["errors"]
    assert count(Visit) == 1


@pytest.mark.parametrize("person", SEES_THE_VISIT)
def test_get_visit_answers_only_those_allowed_to_see_it(app, world, person):
    visit = world["visit"]
    response = as_person(app, world, person).get_visit(visit.id)
    if SEES_THE_VISIT[person]:
        assert response.status_code == 200
        answer = response.get_json()
        assert answer["id"] == str(visit.id)
        assert answer["action_step"]["text"] == visit.action_step.text
        assert answer["photos"] == [] and answer["complete"] is True
        assert "grade" not in answer and "score" not in answer
    else:
        assert response.status_code == 404
        assert response.get_json() == {"error": "Not found.", "id": str(visit.id)}


@pytest.mark.parametrize("person", [p for p in SEES_THE_VISIT if p != "coach"])
def test_nobody_but_its_coach_can_overwrite_a_visit(app, world, person):
    visit = world["visit"]
    body = capture_for(world["people"]["teacher"], notes="Not yours to change.")
    response = as_person(app, world, person).put_visit(visit.id, body)
    assert response.status_code == (409 if SEES_THE_VISIT[person] else 404)
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).notes == ""


def test_a_missing_visit_answers_404_json(world, api):
    api.sign_in("coach@a1.test")
    visit_id = str(uuid.uuid4())
    response = api.get_visit(visit_id)
    assert response.status_code == 404 and response.get_json()["id"] == visit_id
    assert api.get("/api/v1/visits/not-a-uuid").status_code == 404


def _send_at_once(app, email, send, times=10):
    """`times` clients, each signed in within its own thread (so no app context is shared),
    released together by a barrier to send the same request."""
    barrier = threading.Barrier(times)
    statuses: list[int] = []

    def run():
        api_client = ApiClient(app.test_client()).sign_in(email)
        barrier.wait()
        statuses.append(send(api_client).status_code)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_ten_concurrent_replays_leave_exactly_one_visit(app, world):
    visit_id = uuid.uuid4()
    body = capture_for(world["people"]["teacher"], photo_ids=[str(uuid.uuid4())])
    db.session.remove()  # the threads open their own sessions

    statuses = _send_at_once(app, "coach@a1.test", lambda c: c.put_visit(visit_id, body))

    assert statuses == [200] * 9 + [201]
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(Visit.id == visit_id))
        == 1
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ActionStep)
            .where(ActionStep.set_at == db.session.get(Visit, visit_id).started_at)
        )
        == 1
    )
