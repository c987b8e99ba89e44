"""Deliberate practice (issue 17): a practice plan on each step, set from the library or
adjusted by the coach inside the visit's PUT body, and the practice log the teacher and
their current coach keep (PUT /api/v1/steps/<id>/practice/<uuid>, idempotent on the id)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from app import limits
from app.extensions import db
from app.models import ActionStep, CoachingPair
from app.steps.models import PracticeEntry
from tests.api_support import as_person, build_world, capture_for
from tests.factories import make_pair, make_user

REHEARSE = "Ask your coach three questions aloud, counting the pause silently."
SUCCESS = "Hands stay down; every pupil has an answer ready."


@pytest.fixture
def world(app):
    world = build_world()
    library_step = world["steps"]["trust_wide"]
    library_step.practice_rehearse, library_step.practice_success = REHEARSE, SUCCESS
    db.session.commit()
    return world


def plan_of(api, visit_id) -> dict:
    return api.get_visit(visit_id).get_json()["action_step"]["practice_plan"]


def library_capture(world, **step) -> dict:
    choice = {"text": "Wait time", "library_step_id": world["steps"]["trust_wide"].id, **step}
    return capture_for(world["people"]["teacher"], action_step=choice)


# The plan, inside the visit ----------------------------------------------------------


def test_a_capture_from_before_plans_gets_the_library_steps_plan(app, world):
    coach, visit_id = as_person(app, world, "coach"), uuid.uuid4()
    assert coach.put_visit(visit_id, library_capture(world)).status_code == 201
    assert plan_of(coach, visit_id) == {"rehearse": REHEARSE, "success": SUCCESS}


def test_the_coach_adjusts_the_library_plan_when_setting_the_step(app, world):
    coach, visit_id = as_person(app, world, "coach"), uuid.uuid4()
    adjusted = {"rehearse": "Rehearse with me on Tuesday, Year 9 questions.", "success": SUCCESS}
    body = library_capture(world, practice_plan=adjusted)
    assert coach.put_visit(visit_id, body).status_code == 201
    assert coach.put_visit(visit_id, body).status_code == 200  # a replay changes nothing
    assert plan_of(coach, visit_id) == adjusted
    assert plan_of(as_person(app, world, "school_lead"), visit_id) == adjusted  # leads see it


def test_a_fix_of_the_capture_changes_the_plan(app, world):
    coach, visit_id = as_person(app, world, "coach"), uuid.uuid4()
    body = library_capture(world, practice_plan={"rehearse": "First", "success": ""})
    body["updated_at"] = "2026-01-01T09:00:00+00:00"
    assert coach.put_visit(visit_id, body).status_code == 201
    body = library_capture(world, practice_plan={"rehearse": "Second", "success": "Done"})
    body["updated_at"] = "2026-01-01T09:05:00+00:00"
    assert coach.put_visit(visit_id, body).status_code == 200
    assert plan_of(coach, visit_id) == {"rehearse": "Second", "success": "Done"}


def test_a_step_written_fresh_has_no_plan_unless_the_coach_writes_one(app, world):
    coach, teacher = as_person(app, world, "coach"), world["people"]["teacher"]
    first, second = uuid.uuid4(), uuid.uuid4()
    assert coach.put_visit(first, capture_for(teacher)).status_code == 201
    assert plan_of(coach, first) == {"rehearse": "", "success": ""}
    body = capture_for(
        teacher, action_step={"text": "Cold call", "practice_plan": {"rehearse": "x"}}
    )
    assert coach.put_visit(second, body).status_code == 201
    assert plan_of(coach, second) == {"rehearse": "x", "success": ""}


@pytest.mark.parametrize(
    "plan, field",
    [
        ({"rehearse": "x" * (limits.PRACTICE_REHEARSE + 1)}, "rehearse"),
        ({"success": "x" * (limits.PRACTICE_SUCCESS + 1)}, "success"),
        ({"success": 3}, "success"),
        ({"how": "by heart"}, "how"),
        ({"rehearse": "a\x00b"}, "rehearse"),
    ],
)
def test_a_bad_plan_is_refused_naming_its_field(app, world, plan, field):
    coach, visit_id = as_person(app, world, "coach"), uuid.uuid4()
    response = coach.put_visit(visit_id, library_capture(world, practice_plan=plan))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["action_step"]["practice_plan"]
    assert response.get_json()["id"] == str(visit_id)


def test_a_plan_is_not_sent_with_keep_practising(app, world):
    coach = as_person(app, world, "coach")
    choice = {"step_id": world["visit"].action_step.id, "practice_plan": {"rehearse": "x"}}
    body = capture_for(world["people"]["teacher"], action_step=choice)
    response = coach.put_visit(uuid.uuid4(), body)
    assert response.status_code == 422
    assert "practice_plan" in response.get_json()["errors"]["action_step"]


# The practice log ----------------------------------------------------------------------


def log(api, step_id, entry_id=None, **fields):
    entry = {"kind": "lesson", "practised_on": date.today().isoformat(), **fields}
    return api.request(
        "PUT",
        f"/api/v1/steps/{step_id}/practice/{entry_id or uuid.uuid4()}",
        json=entry,
        headers=api.headers(),
    )


def entries(step_id) -> list[PracticeEntry]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(PracticeEntry).filter_by(step_id=step_id)))


@pytest.mark.parametrize("person", ["teacher", "coach"])
def test_the_teacher_and_their_coach_log_practice_once_per_id(app, world, person):
    api = as_person(app, world, person)
    step_id, entry_id = world["visit"].action_step.id, uuid.uuid4()
    first = log(api, step_id, entry_id, note="Tried it in period 3")
    assert first.status_code == 201
    body = first.get_json()
    assert body["id"] == str(entry_id) and body["note"] == "Tried it in period 3"
    assert body["practised_on"] == date.today().isoformat() and body["kind"] == "lesson"
    assert log(api, step_id, entry_id, note="Tried it in period 3").status_code == 200
    assert log(api, step_id, entry_id, note="Other words").status_code == 409
    assert (
        log(api, step_id, entry_id, note="Tried it in period 3", kind="rehearsal").status_code
        == 409
    )
    assert len(entries(step_id)) == 1


def test_the_same_id_from_the_other_person_is_a_conflict(app, world):
    step_id, entry_id = world["visit"].action_step.id, uuid.uuid4()
    assert log(as_person(app, world, "teacher"), step_id, entry_id).status_code == 201
    assert log(as_person(app, world, "coach"), step_id, entry_id).status_code == 409
    assert [entry.author_id for entry in entries(step_id)] == [world["people"]["teacher"].id]


@pytest.mark.parametrize(
    "person", ["school_lead", "trust_lead", "other_teacher", "peer", "admin", "b_coach"]
)
def test_nobody_else_logs_practice(app, world, person):
    step_id = world["visit"].action_step.id
    assert log(as_person(app, world, person), step_id).status_code == 404
    assert entries(step_id) == []


def test_a_former_coach_no_longer_logs_practice(app, world):
    teacher = world["people"]["teacher"]
    former = make_user("former@a1.test", roles=[(world["schools"]["a1"], "coach")])
    pair = make_pair(former, teacher, world["schools"]["a1"])
    pair.since = date.today() - timedelta(days=60)
    db.session.commit()
    world["people"]["former"] = former
    step_id = world["visit"].action_step.id
    assert log(as_person(app, world, "former"), step_id).status_code == 201
    db.session.get(CoachingPair, pair.id).until = date.today() - timedelta(days=1)
    db.session.commit()
    assert log(as_person(app, world, "former"), step_id).status_code == 404


def test_an_unknown_step_is_404(app, world):
    assert log(as_person(app, world, "teacher"), 2**31 - 1).status_code == 404


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": "graded"}, "kind"),
        ({"kind": None}, "kind"),
        ({"practised_on": "2026-13-01"}, "practised_on"),
        ({"practised_on": "yesterday"}, "practised_on"),
        ({"practised_on": (date.today() + timedelta(days=3)).isoformat()}, "practised_on"),
        ({"practised_on": (date.today() - timedelta(days=30)).isoformat()}, "practised_on"),
        ({"note": "x" * (limits.PRACTICE_NOTE + 1)}, "note"),
        ({"note": "a\x00b"}, "note"),
        ({"score": 4}, "score"),
    ],
)
def test_a_bad_entry_is_refused_naming_its_field(app, world, fields, field):
    step_id, entry_id = world["visit"].action_step.id, uuid.uuid4()
    response = log(as_person(app, world, "teacher"), step_id, entry_id, **fields)
    assert response.status_code == 422
    body = response.get_json()
    assert field in body["errors"] and body["errors"][field][0]
    assert body["id"] == str(entry_id)
    assert entries(step_id) == []


def test_missing_fields_and_a_body_that_is_not_json_are_refused(app, world):
    api = as_person(app, world, "teacher")
    step_id = world["visit"].action_step.id
    url = f"/api/v1/steps/{step_id}/practice/{uuid.uuid4()}"
    missing = api.request("PUT", url, json={}, headers=api.headers())
    assert missing.status_code == 422
    assert {"kind", "practised_on"} <= set(missing.get_json()["errors"])
    garbled = api.request(
        "PUT", url, data="{", headers=api.headers(**{"Content-Type": "application/json"})
    )
    assert garbled.status_code == 400


def test_the_log_is_on_the_teachers_page_and_the_coachs_record_not_for_leads(
    app, world, client, auth
):
    step: ActionStep = world["visit"].action_step
    assert (
        log(as_person(app, world, "teacher"), step.id, note="Rehearsed it twice").status_code == 201
    )
    auth.login("teacher@a1.test")
    assert "Rehearsed it twice" in client.get("/teacher").get_data(as_text=True)
    auth.logout()
    auth.login("coach@a1.test")
    teacher_id = world["people"]["teacher"].id
    assert "Rehearsed it twice" in client.get(f"/coaching/teachers/{teacher_id}").get_data(
        as_text=True
    )
    auth.logout()
    auth.login("lead@a1.test")
    html = client.get(f"/visits/{world['visit'].id}").get_data(as_text=True)
    assert "Rehearsed it twice" not in html and "Practice log" not in html


def test_the_form_without_javascript_logs_once_and_says_what_is_wrong(app, world, client, auth):
    step_id = world["visit"].action_step.id
    auth.login("teacher@a1.test")
    token = auth.page_csrf_token("/teacher")
    entry_id = str(uuid.uuid4())
    form = {"csrf_token": token, "entry_id": entry_id, "kind": "rehearsal", "note": "With my coach"}
    bad = client.post(f"/steps/{step_id}/practice", data={**form, "practised_on": "2001-01-01"})
    assert bad.status_code == 422
    assert "on or after the step was set" in bad.get_data(as_text=True)
    good = {**form, "practised_on": date.today().isoformat()}
    assert client.post(f"/steps/{step_id}/practice", data=good).status_code == 302
    assert client.post(f"/steps/{step_id}/practice", data=good).status_code == 302
    assert [entry.note for entry in entries(step_id)] == ["With my coach"]


def test_a_persons_take_out_holds_the_practice_on_their_steps_and_what_they_logged(app, world):
    from app.takeout.personal import practice_log

    step_id = world["visit"].action_step.id
    assert log(as_person(app, world, "teacher"), step_id, note="TEACHER-LOGGED").status_code == 201
    assert log(as_person(app, world, "coach"), step_id, note="COACH-LOGGED").status_code == 201
    people = world["people"]
    notes = {name: {row["note"] for row in practice_log(people[name])} for name in people}
    assert notes["teacher"] == {"TEACHER-LOGGED", "COACH-LOGGED"}
    assert notes["coach"] == {"COACH-LOGGED"}
    assert notes["school_lead"] == set() and notes["other_teacher"] == set()
