"""Deliberate practice (issue 17) and data protection: erasing a person takes their
practice log with them, and the practice they logged on others' steps; a note naming
them loses the name; deleting steps by retention takes their logs."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.privacy import records
from app.privacy.erasure import erase_person
from app.steps.models import PracticeEntry
from tests.api_support import build_world


def add_entry(step_id: int, author, note: str) -> None:
    db.session.add(
        PracticeEntry(
            id=uuid.uuid4(),
            step_id=step_id,
            author_id=author.id,
            kind="rehearsal",
            practised_on=date.today(),
            note=note,
        )
    )


def notes() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(PracticeEntry.note)))


@pytest.fixture
def world(app):
    world = build_world()
    people = world["people"]
    step_id = world["visit"].action_step_id
    add_entry(
        step_id, people["teacher"], "Rehearsed with " + people["coach"].name + ". " + "x" * 260
    )
    add_entry(step_id, people["coach"], "Rehearsed it together")
    db.session.commit()
    return world


@pytest.mark.parametrize("visits", ["delete", "anonymise"])
def test_erasing_the_teacher_takes_their_practice_log(app, world, visits):
    erase_person(world["people"]["admin"], world["people"]["teacher"], visits)
    db.session.commit()
    assert notes() == set()


def test_erasing_the_coach_takes_what_they_logged_and_their_name(app, world):
    coach_name = world["people"]["coach"].name
    erase_person(world["people"]["admin"], world["people"]["coach"], "anonymise")
    db.session.commit()
    [left] = notes()
    assert left.startswith("Rehearsed with a former colleague.") and coach_name not in left


def test_deleting_a_step_deletes_its_practice_log(app, world):
    step_id = world["visit"].action_step_id
    db.session.execute(sa.update(records.Visit).values(action_step_id=None))
    records.delete_steps([step_id])
    db.session.commit()
    assert notes() == set()
