"""The coach's side of the teacher's step: on the coach's list of their teachers, where
each teacher is with their current step."""

from datetime import UTC, datetime, timedelta

from app.extensions import db
from tests.factories import make_pair, make_school, make_trust, make_user, make_visit

NOW = datetime.now(UTC)


def make_coach_with_two_teachers():
    school = make_school(make_trust())
    coach = make_user("coach@school.test", roles=[(school, "coach")])
    teacher = make_user("teacher@school.test", "Tom Baker", roles=[(school, "teacher")])
    other = make_user("other@school.test", "Amara Okafor", roles=[(school, "teacher")])
    make_pair(coach, teacher, school)
    make_pair(coach, other, school)
    make_visit(coach, teacher, school, NOW - timedelta(days=20), step_text="An older step",
               status="embedded")
    latest = make_visit(coach, teacher, school, NOW - timedelta(days=3),
                        step_text="Narrate the pupils who are ready", status="practising")
    latest.action_step.acknowledged_at = NOW - timedelta(days=2)
    latest.action_step.status_changed_at = datetime(2026, 11, 18, 10, tzinfo=UTC)
    latest.action_step.reflection = "Transitions were quicker."
    make_visit(coach, other, school, NOW - timedelta(days=1), step_text="Pause before naming")
    db.session.commit()


def teacher_card(html: str, name: str) -> str:
    start = html.index(f"<strong>{name}</strong>")
    return html[start:html.index("</li>", start)]


def test_the_coach_sees_each_teachers_current_step_and_where_they_are_with_it(client, auth,
                                                                               app):
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
