"""The coach's record of each teacher, the coach's home ("due this week" first, today's
drop-ins once) and the conversation form without JavaScript."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import ActionStep, CoachingPair, User
from tests.api_support import as_person, build_world
from tests.conftest import csrf_token_from
from tests.factories import make_pair, make_user, make_visit

NOW = datetime.now(UTC)


@pytest.fixture
def world(app):
    world = build_world()
    people, school = world["people"], world["schools"]["a1"]
    first = world["visit"]
    first.started_at = NOW - timedelta(days=30)
    first.action_step.set_at = first.started_at
    revisit = make_visit(
        people["coach"], people["teacher"], school, NOW - timedelta(days=23), step=first.action_step
    )
    latest = make_visit(
        people["coach"],
        people["teacher"],
        school,
        NOW - timedelta(days=2),
        step_text="Narrate the positive",
        notes="Calm start; pupils settled in a minute.",
    )
    latest.action_step.reflection = "Worked with 8C."
    # A second coachee, never visited: due now.
    newcomer = make_user("new@a1.test", "Nadia New", roles=[(school, "teacher")])
    make_pair(people["coach"], newcomer, school)
    db.session.commit()
    world.update(revisit=revisit, latest=latest, newcomer=newcomer)
    return world


def test_the_record_shows_the_live_step_drop_ins_and_earlier_steps(app, world):
    coach = as_person(app, world, "coach")
    html = coach.get(f"/coaching/teachers/{world['people']['teacher'].id}").get_data(as_text=True)
    assert "Narrate the positive" in html and "Worked with 8C." in html
    assert html.index("Calm start") < html.index(str(world["revisit"].id))  # newest first
    earlier = html[html.index('id="earlier-heading"') :]
    assert world["visit"].action_step.text in earlier
    assert "Replaced" in earlier and "lasted 4 weeks" in earlier
    assert "Next drop-in due" in html or "overdue" in html


def test_a_step_set_today_reads_today_and_its_text_is_shown_once(app, world):
    people, school = world["people"], world["schools"]["a1"]
    make_visit(people["coach"], people["teacher"], school, NOW, step_text="Wait five seconds")
    db.session.commit()
    coach = as_person(app, world, "coach")
    html = coach.get(f"/coaching/teachers/{people['teacher'].id}").get_data(as_text=True)
    step = html[html.index('id="live-step-heading"') : html.index('id="drop-ins-heading"')]
    assert step.count("Wait five seconds") == 1 and "Step:" not in step
    assert "set today" in step and "0 days" not in step
    assert "(last one today)" in html and "0 days ago" not in html


@pytest.mark.parametrize("person", ["teacher", "school_lead", "trust_lead", "peer", "admin"])
def test_only_the_teachers_coach_opens_the_record(app, world, person):
    api = as_person(app, world, person)
    assert api.get(f"/coaching/teachers/{world['people']['teacher'].id}").status_code == 404


def test_the_home_lists_who_is_due_first_and_todays_drop_ins_once(app, world):
    html = as_person(app, world, "coach").get("/visits").get_data(as_text=True)
    assert html.index('id="due-heading"') < html.index('id="today-heading"')
    due = html[html.index('id="due-heading"') : html.index('id="today-heading"')]
    assert "Nadia New" in due and "No drop-in yet" in due


def test_a_pair_ended_and_made_again_today_lists_the_teacher_once(app, world):
    people, school = world["people"], world["schools"]["a1"]
    pair = db.session.scalar(sa.select(CoachingPair).filter_by(teacher_id=people["teacher"].id))
    pair.until = date.today()
    make_pair(people["coach"], people["teacher"], school, since=date.today())
    db.session.commit()
    html = as_person(app, world, "coach").get("/visits").get_data(as_text=True)
    assert html.count(f"New drop-in with {people['teacher'].name}") == 1


def test_a_lead_who_coaches_nobody_is_told_they_can_still_drop_in(app, world):
    told = "As a lead, you can still drop in on any teacher of the schools you lead"
    for lead in ("trust_lead", "school_lead"):
        assert told in as_person(app, world, lead).get("/visits").get_data(as_text=True)
    assert told not in as_person(app, world, "coach").get("/visits").get_data(as_text=True)


@pytest.fixture
def users_loaded():
    """Every User row the ORM loads while the test runs."""
    loaded = []

    def count(session, instance):
        if isinstance(instance, User):
            loaded.append(instance.id)

    sa.event.listen(Session, "loaded_as_persistent", count)
    yield loaded
    sa.event.remove(Session, "loaded_as_persistent", count)


def test_a_leads_own_pages_do_not_load_every_teacher_they_lead(app, world, users_loaded):
    """The coach's home and a teacher's record look at the user's own coaching pairs only:
    a trust lead of thousands costs what a coach of three does."""
    school = world["schools"]["a1"]
    for n in range(40):
        make_user(f"t{n}@a1.test", f"Teacher {n}", roles=[(school, "teacher")])
    db.session.commit()
    lead = as_person(app, world, "trust_lead")
    users_loaded.clear()
    assert lead.get("/visits").status_code == 200
    assert lead.get(f"/coaching/teachers/{world['people']['teacher'].id}").status_code == 404
    assert len(users_loaded) < 10, users_loaded


def test_a_comment_without_javascript_posts_and_returns(app, world, client, auth):
    auth.login("teacher@a1.test")
    page = client.get("/teacher").get_data(as_text=True)
    assert "Conversation on this step" in page
    step_id = world["latest"].action_step.id
    response = client.post(
        f"/steps/{step_id}/comments",
        data={"csrf_token": csrf_token_from(page), "body": "Tried it in period 3, worked."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    comments = db.session.get(ActionStep, step_id).comments
    assert [c.body for c in comments] == ["Tried it in period 3, worked."]
    coach = as_person(app, world, "coach")
    record = coach.get(f"/coaching/teachers/{world['people']['teacher'].id}").get_data(as_text=True)
    assert "Tried it in period 3, worked." in record


def test_an_empty_comment_form_says_what_to_do(app, world, client, auth):
    auth.login("teacher@a1.test")
    page = client.get("/teacher").get_data(as_text=True)
    response = client.post(
        f"/steps/{world['latest'].action_step.id}/comments",
        data={"csrf_token": csrf_token_from(page), "body": "  "},
    )
    assert response.status_code == 422
    assert "Write a comment." in response.get_data(as_text=True)
