"""PATCH /api/v1/visits/<uuid>/action-step and GET /api/v1/library-steps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.errors import Refused
from app.extensions import db
from app.models import ActionStep
from app.visits.services import update_action_step
from tests.api_support import as_person, build_world


@pytest.fixture
def world(app):
    return build_world()


def saved_step(world) -> ActionStep:
    db.session.expire_all()
    return db.session.get(ActionStep, world["visit"].action_step.id)


def test_the_teacher_acknowledges_once(app, world):
    teacher = as_person(app, world, "teacher")
    first = teacher.patch_step(world["visit"].id, {"acknowledged": True})
    assert first.status_code == 200
    answer = first.get_json()
    assert answer["id"] == str(world["visit"].id)
    acknowledged_at = answer["action_step"]["acknowledged_at"]
    assert acknowledged_at is not None

    again = teacher.patch_step(world["visit"].id, {"acknowledged": True})
    assert again.status_code == 200
    assert again.get_json()["action_step"]["acknowledged_at"] == acknowledged_at


def test_the_teacher_reflects_and_marks_progress(app, world):
    teacher = as_person(app, world, "teacher")
    change = {
        "reflection": "  Waiting felt long, but more hands went up.  ",
        "status": "practising",
    }
    response = teacher.patch_step(world["visit"].id, change)
    assert response.status_code == 200
    step = saved_step(world)
    assert step.reflection == "Waiting felt long, but more hands went up."
    assert step.status == "practising"
    reflected_at, status_changed_at = step.reflected_at, step.status_changed_at
    assert reflected_at and status_changed_at

    assert teacher.patch_step(world["visit"].id, change).status_code == 200
    step = saved_step(world)
    assert (step.reflected_at, step.status_changed_at) == (reflected_at, status_changed_at)
    assert step.acknowledged_at is None


def test_the_coach_may_set_the_status_only(app, world):
    api = as_person(app, world, "coach")
    response = api.patch_step(world["visit"].id, {"status": "practising"})
    assert response.status_code == 200
    assert response.get_json()["action_step"]["status"] == "practising"

    for field, value in (("acknowledged", True), ("reflection", "Not mine to write.")):
        refused = api.patch_step(world["visit"].id, {field: value})
        assert refused.status_code == 422
        assert list(refused.get_json()["errors"]) == [field]
    step = saved_step(world)
    assert step.acknowledged_at is None and step.reflection == ""


@pytest.mark.parametrize("person", ["school_lead", "trust_lead"])
def test_leads_see_the_step_and_may_not_change_it(app, world, person):
    response = as_person(app, world, person).patch_step(world["visit"].id, {"status": "practising"})
    assert response.status_code == 403
    assert saved_step(world).status == "new"


@pytest.mark.parametrize(
    "person", ["other_teacher", "peer", "a2_coach", "admin", "b_coach", "b_trust_lead"]
)
def test_anyone_else_gets_404_and_changes_nothing(app, world, person):
    response = as_person(app, world, person).patch_step(world["visit"].id, {"status": "embedded"})
    assert response.status_code == 404
    assert saved_step(world).status == "new"


@pytest.mark.parametrize(
    "change, field",
    [
        ({}, "_schema"),
        ({"status": "outstanding"}, "status"),
        ({"acknowledged": False}, "acknowledged"),
        ({"acknowledged": "yes"}, "acknowledged"),
        ({"reflection": "x" * 2001}, "reflection"),
        ({"grade": 3}, "grade"),
    ],
)
def test_bad_changes_name_the_field(app, world, change, field):
    response = as_person(app, world, "teacher").patch_step(world["visit"].id, change)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]


def test_the_service_refuses_what_the_schema_would(app, world):
    """The teacher's htmx pages call the service directly: it guards its own rules."""
    teacher, visit = world["people"]["teacher"], world["visit"]
    with pytest.raises(Refused) as refused:
        update_action_step(teacher, visit, status="outstanding", reflection="x" * 2001)
    assert set(refused.value.errors) == {"status", "reflection"}
    with pytest.raises(Refused) as refused:
        update_action_step(world["people"]["other_teacher"], visit, status="embedded")
    assert refused.value.status == 404


def test_clearing_the_reflection_clears_its_time(app, world):
    teacher, visit = world["people"]["teacher"], world["visit"]
    update_action_step(teacher, visit, reflection="Going well.")
    assert visit.action_step.reflected_at is not None
    update_action_step(teacher, visit, reflection="")
    assert visit.action_step.reflected_at is None


def test_library_steps_are_those_of_the_users_schools_and_trust(app, world):
    retired = world["steps"]["trust_wide"]
    response = as_person(app, world, "coach").get("/api/v1/library-steps")
    titles = {step["title"] for step in response.get_json()["library_steps"]}
    assert titles == {"Wait time", "Narrate good"}

    retired.retired_at = datetime.now(UTC)
    db.session.commit()
    response = as_person(app, world, "trust_lead").get("/api/v1/library-steps")
    steps = response.get_json()["library_steps"]
    assert {s["title"] for s in steps} == {"Narrate good", "Live marking"}
    assert set(steps[0]) == {
        "id",
        "category",
        "title",
        "guidance",
        "school_id",
        "practice_rehearse",
        "practice_success",
    }

    response = as_person(app, world, "b_coach").get("/api/v1/library-steps")
    assert [s["title"] for s in response.get_json()["library_steps"]] == ["I do, we do"]
