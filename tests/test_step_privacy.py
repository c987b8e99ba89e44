"""Who sees what of a step, said truthfully: the reflection and the conversation are read
by the teacher and their current coach(es) only; leads see steps, statuses and dates;
only the coach and the teacher change a step."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import ActionStep, CoachingPair
from tests.api_support import as_person, build_world, capture_for
from tests.conftest import csrf_token_from
from tests.factories import make_pair, make_user

REFLECTION = "Tried it in period 3: more hands went up."


@pytest.fixture
def world(app):
    world = build_world()
    step = world["visit"].action_step
    step.reflection = REFLECTION
    # A coach who wrote a visit on the step and whose pairing has since ended.
    former = make_user("former@a1.test", roles=[(world["schools"]["a1"], "coach")])
    pair = make_pair(former, world["people"]["teacher"], world["schools"]["a1"])
    pair.since = date.today() - timedelta(days=60)
    world["people"]["former_coach"] = former
    world["former_pair"] = pair
    db.session.commit()
    return world


def end_former_pair(world):
    pair = db.session.get(CoachingPair, world["former_pair"].id)
    pair.until = date.today() - timedelta(days=1)
    db.session.commit()


@pytest.mark.parametrize(
    "person, reads",
    [
        ("teacher", True),
        ("coach", True),
        ("school_lead", False),
        ("trust_lead", False),
    ],
)
def test_the_reflection_in_the_api_is_for_the_teacher_and_their_coach(app, world, person, reads):
    body = as_person(app, world, person).get_visit(world["visit"].id).get_json()
    assert body["action_step"]["status"] == "new"  # leads still see the step and its status
    assert (body["action_step"]["reflection"] == REFLECTION) is reads
    if not reads:
        assert body["action_step"]["reflection"] is None


def test_a_former_coach_no_longer_reads_the_reflection(app, world):
    former = as_person(app, world, "former_coach")
    visit_id = uuid.uuid4()
    step_id = world["visit"].action_step.id
    body = capture_for(world["people"]["teacher"], action_step={"step_id": step_id})
    assert former.put_visit(visit_id, body).status_code == 201
    assert former.get_visit(visit_id).get_json()["action_step"]["reflection"] == REFLECTION
    end_former_pair(world)
    answer = former.get_visit(visit_id).get_json()["action_step"]
    assert answer["reflection"] is None and answer["id"] == step_id


@pytest.mark.parametrize("person", ["school_lead", "trust_lead"])
def test_the_visit_page_tells_leads_who_reads_the_reflection_and_hides_it(
    app, world, person, client, auth
):
    auth.login(world["people"][person].email)
    html = client.get(f"/visits/{world['visit'].id}").get_data(as_text=True)
    assert REFLECTION not in html
    assert "read only by" in html
    assert "Where is" not in html  # no status buttons for a lead


def test_the_coach_reads_the_reflection_on_the_visit_page(app, world, client, auth):
    auth.login("coach@a1.test")
    html = client.get(f"/visits/{world['visit'].id}").get_data(as_text=True)
    assert REFLECTION in html


@pytest.mark.parametrize("person", ["school_lead", "trust_lead"])
def test_a_lead_cannot_change_the_step_from_the_visit_page(app, world, person, client, auth):
    auth.login(world["people"][person].email)
    token = csrf_token_from(client.get(f"/visits/{world['visit'].id}").get_data(as_text=True))
    response = client.post(
        f"/visits/{world['visit'].id}/action-step/status",
        data={"csrf_token": token, "status": "practising"},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(ActionStep, world["visit"].action_step.id).status == "new"


def comment(api, step_id, comment_id=None, body="Tried it in period 3, worked."):
    comment_id = comment_id or uuid.uuid4()
    return api.request(
        "PUT",
        f"/api/v1/steps/{step_id}/comments/{comment_id}",
        json={"body": body},
        headers=api.headers(),
    )


@pytest.mark.parametrize("person", ["teacher", "coach"])
def test_the_teacher_and_their_coach_comment_once_per_id(app, world, person):
    api = as_person(app, world, person)
    step_id, comment_id = world["visit"].action_step.id, uuid.uuid4()
    first = comment(api, step_id, comment_id)
    assert first.status_code == 201 and first.get_json()["id"] == str(comment_id)
    assert comment(api, step_id, comment_id).status_code == 200
    assert comment(api, step_id, comment_id, body="Other words").status_code == 409


@pytest.mark.parametrize(
    "person", ["school_lead", "trust_lead", "other_teacher", "peer", "admin", "b_coach"]
)
def test_nobody_else_joins_the_conversation(app, world, person):
    response = comment(as_person(app, world, person), world["visit"].action_step.id)
    assert response.status_code == 404
    step = db.session.get(ActionStep, world["visit"].action_step.id)
    db.session.refresh(step)
    assert step.comments == []


def test_an_empty_comment_is_refused_with_a_message(app, world):
    response = comment(as_person(app, world, "teacher"), world["visit"].action_step.id, body=" ")
    assert response.status_code == 422
    assert "body" in response.get_json()["errors"]
