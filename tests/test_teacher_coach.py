"""The coach's side of the teacher's step: on the coach's list of their teachers, where
each teacher is with their current step; on the visit page, the teacher's acknowledgement,
reflection and status, and the coach setting the status."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Visit
from tests.conftest import csrf_token_from
from tests.factories import make_pair, make_school, make_trust, make_user, make_visit

NOW = datetime.now(UTC)


def make_coach_with_two_teachers():
    school = make_school(make_trust())
    coach = make_user("coach@school.test", roles=[(school, "coach")])
    teacher = make_user("teacher@school.test", "Tom Baker", roles=[(school, "teacher")])
    other = make_user("other@school.test", "Amara Okafor", roles=[(school, "teacher")])
    make_pair(coach, teacher, school)
    make_pair(coach, other, school)
    make_visit(
        coach,
        teacher,
        school,
        NOW - timedelta(days=20),
        step_text="An older step",
        status="embedded",
    )
    latest = make_visit(
        coach,
        teacher,
        school,
        NOW - timedelta(days=3),
        step_text="Narrate the pupils who are ready",
        status="practising",
    )
    latest.action_step.acknowledged_at = NOW - timedelta(days=2)
    latest.action_step.status_changed_at = datetime(2026, 11, 18, 10, tzinfo=UTC)
    latest.action_step.reflection = "Transitions were quicker."
    make_visit(coach, other, school, NOW - timedelta(days=1), step_text="Pause before naming")
    db.session.commit()


def teacher_card(html: str, name: str) -> str:
    teachers = html[html.index('id="teachers-heading"') :]
    start = teachers.index(f'<span class="card-title">{name}</span>')
    return teachers[start : teachers.index("</li>", start)]


def test_the_coach_sees_each_teachers_current_step_and_where_they_are_with_it(client, auth, app):
    make_coach_with_two_teachers()
    auth.login("coach@school.test")
    html = client.get("/visits").get_data(as_text=True)
    tom = teacher_card(html, "Tom Baker")
    assert "Narrate the pupils who are ready" in tom
    assert "An older step" not in tom
    assert "Practising since 18 November" in tom
    assert "Acknowledged" in tom
    assert "Reflection written" in tom
    amara = teacher_card(html, "Amara Okafor")
    assert "Pause before naming" in amara
    assert "New" in amara and "Not acknowledged yet" in amara
    assert "Reflection written" not in amara


# The visit page: the coach sees the teacher's side and sets the status.


def coach_and_visit():
    school = make_school(make_trust())
    coach = make_user("coach@school.test", roles=[(school, "coach")])
    teacher = make_user("teacher@school.test", "Tom Baker", roles=[(school, "teacher")])
    colleague = make_user("other@school.test", roles=[(school, "teacher")])
    other_coach = make_user("coach2@school.test", roles=[(school, "coach")])
    make_pair(coach, teacher, school)
    make_pair(other_coach, colleague, school)
    visit = make_visit(
        coach,
        teacher,
        school,
        NOW - timedelta(days=3),
        step_text="Narrate the pupils who are ready",
    )
    db.session.commit()
    return visit


def post_status(client, visit, status, htmx=True):
    token = csrf_token_from(client.get("/visits").get_data(as_text=True))
    return client.post(
        f"/visits/{visit.id}/action-step/status",
        data={"csrf_token": token, "status": status},
        headers={"HX-Request": "true"} if htmx else {},
    )


def saved_status(visit):
    db.session.expire_all()
    return db.session.get(Visit, visit.id).action_step.status


def test_the_coach_sets_the_status_in_place_and_the_teacher_sees_it(client, auth, app):
    first = coach_and_visit()
    auth.login("coach@school.test")
    page = client.get(f"/visits/{first.id}").get_data(as_text=True)
    assert "Mark practising" in page and "Mark embedded" not in page  # not on the first visit
    assert post_status(client, first, "embedded").status_code == 422
    visit = make_visit(first.coach, first.teacher, first.school, step=first.action_step)
    db.session.commit()
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Where is Tom Baker with it?" in page and "Mark embedded" in page
    response = post_status(client, visit, "embedded")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="action-step"' in html
    assert "Embedded since" in html and "Tom Baker sees it too" in html
    assert saved_status(visit) == "embedded"
    auth.logout()
    auth.login("teacher@school.test")
    teacher_page = client.get("/teacher").get_data(as_text=True)
    assert 'aria-current="step"' in teacher_page
    assert teacher_page.index('aria-current="step"') > teacher_page.index('data-status="embedded"')


def test_without_htmx_the_coach_returns_to_the_visit_page(client, auth, app):
    visit = coach_and_visit()
    auth.login("coach@school.test")
    response = post_status(client, visit, "practising", htmx=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/visits/{visit.id}")
    assert saved_status(visit) == "practising"


def test_an_unknown_status_is_refused(client, auth, app):
    visit = coach_and_visit()
    auth.login("coach@school.test")
    assert post_status(client, visit, "outstanding").status_code == 422
    assert saved_status(visit) == "new"


@pytest.mark.parametrize("email", ["other@school.test", "coach2@school.test"])
def test_people_who_may_not_see_the_visit_get_404(client, auth, app, email):
    visit = coach_and_visit()
    auth.login(email)
    assert client.get(f"/visits/{visit.id}").status_code == 404
    assert post_status(client, visit, "embedded").status_code == 404
    assert saved_status(visit) == "new"


def test_the_teacher_does_not_get_the_coachs_buttons_on_the_visit_page(client, auth, app):
    visit = coach_and_visit()
    auth.login("teacher@school.test")
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Narrate the pupils who are ready" in page
    assert "Where is Tom Baker with it?" not in page
