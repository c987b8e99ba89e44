"""The "New" markers: on the teacher's step until they have looked at it, and on comments
by the other person made since each last looked (teacher's page and coach's record)."""

from __future__ import annotations

import uuid

import pytest

from app.extensions import db
from app.steps.services import add_comment
from tests.conftest import Auth
from tests.factories import make_visit
from tests.mail_support import build_school

NEW = '<span class="badge new-marker">New</span>'
#: The step's own marker says more: "New" alone reads like the step's status.
NEW_STEP = '<span class="badge new-marker">New to you</span>'


@pytest.fixture
def world(app):
    world = build_school()
    world["step"] = make_visit(world["coach"], world["ann"], world["school"]).action_step
    db.session.commit()
    return world


def page(app, email: str, path: str) -> str:
    client = app.test_client()
    with app.app_context():  # its own `g`: each person signs in afresh
        Auth(client).login(email)
        response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def comment(author, step, body: str) -> None:
    add_comment(author, step, uuid.uuid4(), body)
    db.session.commit()


def test_a_new_step_is_marked_new_until_the_teacher_has_looked(app, world):
    assert NEW_STEP in page(app, "ann@riverside.test", "/teacher")
    assert NEW_STEP not in page(app, "ann@riverside.test", "/teacher")


def test_a_step_the_teacher_has_acknowledged_is_not_new_to_them(app, world):
    """Acknowledged from another device (or in the demo data): they have seen it."""
    world["step"].acknowledged_at = world["step"].set_at
    db.session.commit()
    assert NEW_STEP not in page(app, "ann@riverside.test", "/teacher")


def test_comments_by_the_other_person_since_they_last_looked_are_marked_new(app, world):
    coach_record = f"/coaching/teachers/{world['ann'].id}"
    page(app, "ann@riverside.test", "/teacher")
    comment(world["ann"], world["step"], "Tried it with 9B.")
    comment(world["coach"], world["step"], "Great, try it with Year 7 next.")

    teacher_sees = page(app, "ann@riverside.test", "/teacher")
    assert teacher_sees.count(NEW) == 1
    # The marker sits in the coach's comment's heading, after Ann's own comment.
    assert teacher_sees.index("Tried it with 9B.") < teacher_sees.index(NEW)
    assert teacher_sees.index(NEW) < teacher_sees.index("Great, try it with Year 7")
    assert NEW not in page(app, "ann@riverside.test", "/teacher")

    coach_sees = page(app, "sam@riverside.test", coach_record)
    assert coach_sees.count(NEW) == 1  # Ann's comment, not his own
    assert coach_sees.index(NEW) < coach_sees.index("Tried it with 9B.")
    assert NEW not in page(app, "sam@riverside.test", coach_record)
