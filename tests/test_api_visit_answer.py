"""The visit's JSON answer is written by hand (app.api.answers) for speed; VisitOutSchema
documents it. The two must give the same JSON for every kind of visit."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.api.answers import visit_answer
from app.extensions import db
from app.schemas import VisitOutSchema
from tests.api_support import build_world
from tests.factories import make_photo, make_visit


def _same_json(visit) -> None:
    expected = json.dumps(VisitOutSchema().dump(visit), sort_keys=True)
    assert json.dumps(visit_answer(visit), sort_keys=True) == expected


@pytest.fixture
def world(app):
    with app.test_request_context():  # photo URLs need url_for
        yield build_world()


def test_a_visit_with_a_new_step_answers_as_the_schema_says(world):
    _same_json(world["visit"])


def test_every_field_filled_answers_as_the_schema_says(world):
    people, school = world["people"], world["schools"]["a1"]
    started = datetime.now(UTC) - timedelta(days=2)
    visit = make_visit(
        people["coach"],
        people["other_teacher"],
        school,
        started_at=started,
        library_step=world["steps"]["a1_only"],
        captured_offline=True,
        class_name="10C",
        subject="Science",
        notes="Notes\nwith a second line ☺",
        client_created_at=started,
        client_updated_at=started + timedelta(minutes=5),
    )
    arrived = make_photo(visit, caption="Exit tickets")
    visit.expected_photo_ids = [str(arrived.id), str(uuid.uuid4())]
    step = visit.action_step
    step.status, step.status_changed_at = "practising", started + timedelta(hours=1)
    step.acknowledged_at = started + timedelta(hours=2)
    step.reflection, step.reflected_at = "It worked with 9B.", started + timedelta(hours=3)
    step.practice_rehearse, step.practice_success = "Count in my head.", "Every hand up."
    db.session.flush()
    later = make_visit(people["coach"], people["other_teacher"], school, step=step)
    db.session.commit()
    for each in (visit, later):
        db.session.refresh(each)
        _same_json(each)
    assert visit_answer(visit)["photos"][0]["caption"] == "Exit tickets"
    assert len(visit_answer(later)["action_step"]["visit_ids"]) == 2


def test_a_closed_step_answers_as_the_schema_says(world):
    people, school = world["people"], world["schools"]["a1"]
    visit = make_visit(people["coach"], people["teacher"], school, status="embedded")
    db.session.commit()
    db.session.refresh(visit)
    assert visit.action_step.closed_at is not None
    _same_json(visit)
