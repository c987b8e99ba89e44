"""The step's life through the sync API: set on one visit, revisited by later ones with
{"step_id"}, closed as embedded or replaced; one live step per teacher, held by the
database; captures queued by the previous version of the app still sync."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ActionStep, Visit
from tests.api_support import as_person, build_world, capture_for

#: A visit made here comes after the world's visit (an hour before the test starts):
#: `at(n)` is n minutes after 55 minutes ago, read when called, not at import.
T0 = datetime(2026, 1, 1, tzinfo=UTC)  # a fixed time for rows made directly


@pytest.fixture
def world(app):
    return build_world()


def at(minutes: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=55 - minutes)).isoformat()


def live_steps(teacher) -> list[ActionStep]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(ActionStep).where(
                ActionStep.teacher_id == teacher.id, ActionStep.is_live_clause()
            )
        )
    )


def step_row(step_id: int) -> ActionStep:
    db.session.expire_all()
    return db.session.get(ActionStep, step_id)


def put(api, teacher, days: int, action_step: dict, visit_id=None):
    visit_id = visit_id or uuid.uuid4()
    response = api.put_visit(
        visit_id, capture_for(teacher, started_at=at(days), action_step=action_step)
    )
    return visit_id, response


def test_keep_practising_continues_the_same_step(app, world):
    coach, teacher = as_person(app, world, "coach"), as_person(app, world, "teacher")
    person = world["people"]["teacher"]
    library = world["steps"]["trust_wide"]
    first_id, first = put(coach, person, 1, {"text": "Wait time", "library_step_id": library.id})
    assert first.status_code == 201
    step = first.get_json()["action_step"]
    assert {"id", "text", "library_step_id", "status", "acknowledged_at"} <= set(step)
    assert step["status"] == "new" and step["category"] == "Questioning"
    teacher.patch_step(first_id, {"acknowledged": True, "status": "practising"})
    acknowledged_at = teacher.get_visit(first_id).get_json()["action_step"]["acknowledged_at"]

    second_id, second = put(coach, person, 8, {"step_id": step["id"]})

    assert second.status_code == 201
    again = second.get_json()["action_step"]
    assert again["id"] == step["id"]
    assert again["status"] == "practising"
    assert again["acknowledged_at"] == acknowledged_at
    assert again["category"] == "Questioning"
    assert again["visit_ids"] == [str(first_id), str(second_id)]
    assert [s.id for s in live_steps(person)] == [step["id"]]
    replay = coach.put_visit(
        second_id, capture_for(person, started_at=at(8), action_step={"step_id": step["id"]})
    )
    assert replay.status_code == 200 and replay.get_json()["action_step"]["id"] == step["id"]


def test_embedded_then_a_new_step_leaves_one_live_step(app, world):
    coach, person = as_person(app, world, "coach"), world["people"]["teacher"]
    old = world["visit"].action_step.id
    revisit_id, _ = put(coach, person, 7, {"step_id": old})
    assert coach.patch_step(revisit_id, {"status": "embedded"}).status_code == 200

    _, response = put(coach, person, 14, {"text": "Narrate the positive"})

    new = response.get_json()["action_step"]
    assert new["status"] == "new" and new["id"] != old
    assert step_row(old).status == "embedded"
    assert [s.id for s in live_steps(person)] == [new["id"]]


def test_a_new_step_with_embedded_step_id_closes_the_live_one_as_embedded(app, world):
    coach, person = as_person(app, world, "coach"), world["people"]["teacher"]
    old = world["visit"].action_step.id
    choice = {"text": "Narrate the positive", "embedded_step_id": old}
    _, response = put(coach, person, 7, choice)
    assert response.status_code == 201
    closed = step_row(old)
    assert (closed.status, closed.closed_at is not None) == ("embedded", True)


def test_a_new_step_without_a_verdict_closes_the_live_one_as_replaced_with_its_date(app, world):
    coach, person = as_person(app, world, "coach"), world["people"]["teacher"]
    old = world["visit"].action_step.id
    visit_id, response = put(coach, person, 7, {"text": "Narrate the positive"})
    assert response.status_code == 201
    closed = step_row(old)
    assert closed.status == "replaced"
    assert closed.closed_at == db.session.get(Visit, visit_id).started_at


def test_embedded_is_refused_on_the_visit_that_set_the_step(app, world):
    coach = as_person(app, world, "coach")
    response = coach.patch_step(world["visit"].id, {"status": "embedded"})
    assert response.status_code == 422
    assert "later drop-in" in response.get_json()["errors"]["status"][0]
    assert step_row(world["visit"].action_step.id).status == "new"


def test_the_teacher_never_marks_their_own_step_embedded(app, world):
    coach, teacher = as_person(app, world, "coach"), as_person(app, world, "teacher")
    revisit_id, _ = put(
        coach, world["people"]["teacher"], 7, {"step_id": world["visit"].action_step.id}
    )
    response = teacher.patch_step(revisit_id, {"status": "embedded"})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["status"]


@pytest.mark.parametrize(
    "action_step, field",
    [
        ({"step_id": 2**31 - 1}, "step_id"),
        ({"text": "New", "embedded_step_id": 2**31 - 1}, "embedded_step_id"),
        ({"step_id": 1, "text": "Both"}, "text"),
        ({"library_step_id": None}, "text"),
    ],
)
def test_a_bad_step_choice_is_named_and_nothing_is_saved(app, world, action_step, field):
    coach, person = as_person(app, world, "coach"), world["people"]["teacher"]
    visit_id, response = put(coach, person, 7, action_step)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["action_step"]
    assert db.session.get(Visit, visit_id) is None


def test_another_teachers_step_cannot_be_revisited(app, world):
    coach = as_person(app, world, "coach")
    peer_visit = world["visit"]
    other = world["people"]["other_teacher"]
    peer = as_person(app, world, "peer")
    _, response = put(peer, other, 7, {"step_id": peer_visit.action_step.id})
    assert response.status_code == 422
    assert "step_id" in response.get_json()["errors"]["action_step"]
    assert coach.get_visit(peer_visit.id).status_code == 200


def test_the_database_holds_one_live_step_per_teacher(app, world):
    step = world["visit"].action_step
    second = ActionStep(
        teacher_id=step.teacher_id, school_id=step.school_id, text="Another", set_at=T0
    )
    db.session.add(second)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_two_phones_setting_steps_at_once_leave_one_live_step(app, world):
    person = world["people"]["teacher"]
    bodies = [
        capture_for(person, started_at=at(days), action_step={"text": f"Step {days}"})
        for days in (5, 6, 7, 8)
    ]
    db.session.remove()  # the threads open their own sessions
    # Signed in one after another: only the PUTs race. A thread that fails breaks the
    # barrier (timeout) and the test, instead of leaving the others waiting for ever.
    coach = {"people": {"coach": _Email("coach@a1.test")}}
    phones = [as_person(app, coach, "coach") for _ in bodies]
    barrier = threading.Barrier(len(bodies), timeout=60)
    statuses: list[int] = []

    def send(api, body):
        barrier.wait()
        statuses.append(api.put_visit(uuid.uuid4(), body).status_code)

    threads = [
        threading.Thread(target=send, args=pair) for pair in zip(phones, bodies, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [201] * len(bodies)
    assert len(live_steps(person)) == 1


class _Email:
    def __init__(self, email):
        self.email = email


# Captures queued by the previous version of the app ------------------------------------


def old_capture(teacher, days: int, text: str) -> dict:
    """Exactly what the previous capture page put in the outbox: the old step shape, with
    the "keep practising" / "embedded" verdict sent as a separate step-update (a PATCH on
    the previous visit), never inside the visit."""
    return {
        "teacher_id": teacher.id,
        "started_at": at(days),
        "duration_minutes": 9,
        "class_name": "9B",
        "subject": "Maths",
        "notes": "",
        "action_step": {"text": text, "library_step_id": None},
        "captured_offline": True,
        "created_at": at(days),
        "updated_at": at(days),
        "photo_ids": [],
    }


def test_an_old_embedded_verdict_queued_after_its_visit_still_syncs(app, world):
    coach, person = as_person(app, world, "coach"), world["people"]["teacher"]
    old_visit, old_step = world["visit"], world["visit"].action_step.id
    new_id = uuid.uuid4()
    created = coach.put_visit(new_id, old_capture(person, 7, "Narrate the positive"))
    assert created.status_code == 201
    verdict = coach.patch_step(old_visit.id, {"status": "embedded"})
    assert verdict.status_code == 200
    assert step_row(old_step).status == "embedded"
    assert len(live_steps(person)) == 1


def test_an_old_keep_practising_queued_after_its_visit_still_syncs(app, world):
    coach, person = as_person(app, world, "coach"), world["people"]["teacher"]
    old_visit = world["visit"]
    text = old_visit.action_step.text
    new_id = uuid.uuid4()
    created = coach.put_visit(new_id, old_capture(person, 7, text))
    assert created.status_code == 201
    assert coach.patch_step(old_visit.id, {"status": "practising"}).status_code == 200
    [live] = live_steps(person)
    assert live.id == old_visit.action_step.id  # one step, kept practising
    assert live.status == "practising"
    assert [str(v.id) for v in live.visits] == [str(old_visit.id), str(new_id)]
    assert coach.get_visit(new_id).get_json()["action_step"]["id"] == live.id


def test_an_old_keep_practising_after_new_words_keeps_the_new_step(app, world):
    coach, person = as_person(app, world, "coach"), world["people"]["teacher"]
    old_visit = world["visit"]
    created = coach.put_visit(uuid.uuid4(), old_capture(person, 7, "Edited words"))
    new_step = created.get_json()["action_step"]["id"]
    assert coach.patch_step(old_visit.id, {"status": "practising"}).status_code == 200
    assert [s.id for s in live_steps(person)] == [new_step]
    assert step_row(old_visit.action_step.id).status == "replaced"
