"""A small world for take-out tests: one coach with two teachers (each with a visit, a
photo, a reflection and comments) and an unrelated pair in another trust. Every text is
a marker, so a test can say exactly whose words are in a zip."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from app.extensions import db
from app.models import Photo, StepComment, User, Visit
from app.selfaudit_models import SelfAudit
from tests.factories import (
    make_pair,
    make_school,
    make_stored_photo,
    make_trust,
    make_user,
    make_visit,
)


def add_photo(visit: Visit, colour: str) -> Photo:
    return make_stored_photo(visit, colour, size=32, caption=f"caption-{colour}")


def comment(visit: Visit, author: User, body: str) -> None:
    db.session.add(
        StepComment(id=uuid.uuid4(), step_id=visit.action_step_id, author_id=author.id, body=body)
    )
    db.session.flush()


@dataclass
class World:
    coach: User
    teacher: User
    other_teacher: User
    lead: User
    outsider: User
    teacher_visit: Visit
    other_visit: Visit
    outside_visit: Visit


def build_world(started_at: datetime | None = None) -> World:
    started_at = started_at or datetime(2026, 11, 18, 9, 30, tzinfo=UTC)
    trust = make_trust("Takeout Trust")
    school = make_school(trust, "takeout-school")
    coach = make_user("coach@takeout.test", "Cora Coach", roles=[(school, "coach")])
    teacher = make_user("teacher@takeout.test", "Tess Teacher", roles=[(school, "teacher")])
    other = make_user("other@takeout.test", "Olly Other", roles=[(school, "teacher")])
    lead = make_user("lead@takeout.test", "Lee Lead", roles=[(school, "lead")])
    make_pair(coach, teacher, school)
    make_pair(coach, other, school)
    teacher_visit = make_visit(
        coach, teacher, school, started_at, step_text="STEP-TESS", notes="NOTES-TESS"
    )
    other_visit = make_visit(
        coach, other, school, started_at, step_text="STEP-OLLY", notes="NOTES-OLLY"
    )
    teacher_visit.action_step.reflection = "REFLECTION-TESS"
    other_visit.action_step.reflection = "REFLECTION-OLLY"
    comment(teacher_visit, coach, "COACH-TO-TESS")
    comment(teacher_visit, teacher, "TESS-REPLIES")
    comment(other_visit, other, "OLLY-REPLIES")
    for person, focus in ((teacher, "FOCUS-TESS"), (other, "FOCUS-OLLY")):
        db.session.add(
            SelfAudit(
                teacher_id=person.id,
                school_id=school.id,
                term="Autumn term 2026",
                term_starts_on=date(2026, 9, 1),
                answers={"statement": focus},
                focus_area="routines",
                shared_with_coach=True,
            )
        )
    add_photo(teacher_visit, "red")
    add_photo(other_visit, "blue")

    elsewhere = make_school(make_trust("Elsewhere Trust"), "elsewhere-school")
    outside_coach = make_user("coach@elsewhere.test", roles=[(elsewhere, "coach")])
    outsider = make_user("teacher@elsewhere.test", roles=[(elsewhere, "teacher")])
    outside_visit = make_visit(
        outside_coach, outsider, elsewhere, started_at, step_text="STEP-ELSEWHERE",
        notes="NOTES-ELSEWHERE",
    )  # fmt: skip
    add_photo(outside_visit, "green")
    db.session.commit()
    return World(coach, teacher, other, lead, outsider, teacher_visit, other_visit, outside_visit)
