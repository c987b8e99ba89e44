"""A world of data for walking every route as each demo role: the demo trust (seed-demo)
and a second trust, with the ids a route needs for each kind of target."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from app.cycles.models import CoachingCycle, GrowWriteUp
from app.demo import seed_demo
from app.extensions import db
from app.models import CoachingPair, LibraryStep, School, User, Visit
from app.selfaudit.areas import STATEMENT_KEYS
from app.takeout.jobs import build, claim, request_export
from tests.factories import (
    DEFAULT_PASSWORD,
    add_role,
    make_library_step,
    make_pair,
    make_school,
    make_stored_photo,
    make_triad,
    make_trust,
    make_user,
    make_visit,
)

#: The people who walk the routes: the demo accounts, a school lead of the demo's first
#: school, and a person of another trust (its admin and trust lead).
ROLE_EMAILS = {
    "admin": "admin@example.org",
    "trust_lead": "lead@example.org",
    "school_lead": "head.riverside@example.org",
    "coach": "coach@example.org",
    "teacher": "teacher@example.org",
    "outsider": "admin@other.test",
}
ROLES = tuple(ROLE_EMAILS)


@dataclass(frozen=True)
class Target:
    """What a route's URL arguments point at: one school's trust, school, a visit of that
    school (with a photo), a person, a coaching pair and a library step."""

    trust_id: int
    school: School
    visit: Visit
    photo_id: uuid.UUID
    person: User
    pair_id: int
    step_id: int
    #: A peer triad of the school (three coaches made for the walk).
    triad_key: uuid.UUID | None = None
    #: A coaching cycle of the school, and a GROW write-up of the triad.
    cycle_id: int = 0
    write_up_id: int = 0
    #: A prepared download (app/takeout) of this target's world.
    export_id: int = 0

    def url_values(self) -> dict:
        return {
            "trust_id": self.trust_id,
            "school_id": self.school.id,
            "visit_id": self.visit.id,
            "photo_id": self.photo_id,
            "user_id": self.person.id,
            "pair_id": self.pair_id,
            "step_id": self.step_id,
            "action_step_id": self.visit.action_step_id,
            "teacher_id": self.visit.teacher_id,
            "comment_id": uuid.UUID(int=self.visit.action_step_id or 0),
            "entry_id": uuid.UUID(int=self.visit.action_step_id or 0),
            "triad_key": self.triad_key or uuid.uuid4(),
            "cycle_id": self.cycle_id,
            "write_up_id": self.write_up_id,
            "token": "not-a-real-token",
            "filename": "css/app.css",
            "export_id": self.export_id,
        }


def _photo_of(visit: Visit) -> uuid.UUID:
    return make_stored_photo(visit).id


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _latest_visit(coach: User, teacher: User) -> Visit:
    return db.session.scalar(
        sa.select(Visit)
        .where(Visit.coach_id == coach.id, Visit.teacher_id == teacher.id)
        .order_by(Visit.started_at.desc())
        .limit(1)
    )


def _pair(coach: User, teacher: User) -> CoachingPair:
    return db.session.scalar(
        sa.select(CoachingPair).where(
            CoachingPair.coach_id == coach.id, CoachingPair.teacher_id == teacher.id
        )
    )


def _demo_target(school_slug: str, coach_email: str, teacher_email: str, step_id: int) -> Target:
    school = db.session.scalar(sa.select(School).where(School.slug == school_slug))
    coach, teacher = _user(coach_email), _user(teacher_email)
    visit = _latest_visit(coach, teacher)
    triad_key = _triad_at(school)
    return Target(
        trust_id=school.trust_id,
        school=school,
        visit=visit,
        photo_id=_photo_of(visit),
        person=teacher,
        pair_id=_pair(coach, teacher).id,
        step_id=step_id,
        triad_key=triad_key,
        cycle_id=_cycle_of(school),
        write_up_id=_write_up_of(triad_key, school),
    )


def _triad_at(school: School) -> uuid.UUID:
    peers = [
        make_user(f"peer{number}@{school.slug}.test", roles=[(school, "coach")])
        for number in range(3)
    ]
    return make_triad(peers, school)[0].triad_key


def _cycle_of(school: School) -> int:
    """A cycle of the school: the demo's, or one made for the walk."""
    cycle = db.session.scalar(
        sa.select(CoachingCycle).where(CoachingCycle.school_id == school.id).limit(1)
    )
    if cycle is None:
        cycle = CoachingCycle(
            school_id=school.id,
            name="Walk cycle",
            starts_on=date(2026, 11, 2),
            ends_on=date(2026, 12, 11),
        )
        db.session.add(cycle)
        db.session.flush()
    return cycle.id


def _write_up_of(triad_key: uuid.UUID, school: School) -> int:
    """A GROW write-up of the triad, which none of the walking roles is in."""
    member = db.session.scalar(
        sa.select(CoachingPair.coach_id).where(CoachingPair.triad_key == triad_key).limit(1)
    )
    write_up = GrowWriteUp(
        school_id=school.id,
        triad_key=triad_key,
        author_id=member,
        met_on=date(2026, 11, 20),
        goal="Private goal",
        reality="Private reality",
        options="Private options",
        way_forward="Private way forward",
    )
    db.session.add(write_up)
    db.session.flush()
    return write_up.id


def build_world() -> dict[str, Target]:
    """Targets by name: "riverside" (the coach's own teacher), "hillcrest" (the demo's other
    school), "other" (another trust), "mixed" (a demo school with another trust's ids),
    "new" (a visit id nobody has used, for the teacher of "riverside")."""
    demo = seed_demo(DEFAULT_PASSWORD)
    trust_wide_step = db.session.scalar(
        sa.select(LibraryStep.id).where(LibraryStep.trust_id == demo.id).limit(1)
    )
    hillcrest = db.session.scalar(sa.select(School).where(School.slug == "hillcrest"))
    hillcrest_step = make_library_step(demo, hillcrest, title="Hillcrest's own step").id
    riverside = _demo_target(
        "riverside", "coach@example.org", "teacher@example.org", trust_wide_step
    )
    targets = {
        "riverside": riverside,
        "hillcrest": _demo_target(
            "hillcrest", "grace.kim@example.org", "teacher2@example.org", hillcrest_step
        ),
    }

    other_trust = make_trust("Other Trust")
    elsewhere = make_school(other_trust, "elsewhere", name="Elsewhere School")
    outsider = make_user(ROLE_EMAILS["outsider"], "Otto Outsider")
    add_role(outsider, other_trust, "admin")
    add_role(outsider, other_trust, "trust_lead")
    other_coach = make_user("coach@other.test", roles=[(elsewhere, "coach")])
    other_teacher = make_user("teacher@other.test", roles=[(elsewhere, "teacher")])
    pair = make_pair(other_coach, other_teacher, elsewhere)
    visit = make_visit(other_coach, other_teacher, elsewhere)
    targets["other"] = Target(
        trust_id=other_trust.id,
        school=elsewhere,
        visit=visit,
        photo_id=_photo_of(visit),
        person=other_teacher,
        pair_id=pair.id,
        step_id=make_library_step(other_trust).id,
        triad_key=(other_triad := _triad_at(elsewhere)),
        cycle_id=_cycle_of(elsewhere),
        write_up_id=_write_up_of(other_triad, elsewhere),
    )
    other = targets["other"]
    targets["mixed"] = Target(
        riverside.trust_id,
        riverside.school,
        other.visit,
        other.photo_id,
        other.person,
        other.pair_id,
        other.step_id,
        other.triad_key,
        other.cycle_id,
        other.write_up_id,
    )
    targets.update(_with_exports(targets, other_trust))
    new_visit = Visit(id=uuid.uuid4(), teacher_id=riverside.person.id)  # never added
    targets["new"] = Target(
        riverside.trust_id,
        riverside.school,
        new_visit,
        uuid.uuid4(),
        riverside.person,
        riverside.pair_id,
        riverside.step_id,
    )
    db.session.commit()
    return targets


def _ready_export(owner_email: str, trust=None, expired: bool = False) -> int:
    """A download built for real; `expired` makes its link run out a minute ago."""
    export = request_export(_user(owner_email), trust)
    db.session.commit()
    assert claim(export.id)
    built = build(export.id)
    if expired:
        built.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    return built.id


def _with_exports(targets: dict[str, Target], other_trust) -> dict[str, Target]:
    """Riverside: the teacher's own data; hillcrest: the teacher's, expired; other: the
    outsider's archive of their own trust."""
    return {
        "riverside": replace(targets["riverside"], export_id=_ready_export(ROLE_EMAILS["teacher"])),
        "hillcrest": replace(
            targets["hillcrest"], export_id=_ready_export(ROLE_EMAILS["teacher"], expired=True)
        ),
        "other": replace(
            targets["other"], export_id=_ready_export(ROLE_EMAILS["outsider"], other_trust)
        ),
    }


def capture_for(target: Target) -> dict:
    """A valid visit capture for the target's teacher: refused only by who sends it."""
    return {
        "teacher_id": target.visit.teacher_id,
        "started_at": datetime(2026, 11, 18, 9, 30, tzinfo=UTC).isoformat(),
        "duration_minutes": 12,
        "class_name": "Year 5",
        "subject": "Maths",
        "notes": "Walked in during the starter.",
        "action_step": {"text": "Cold call after the pause", "library_step_id": None},
    }


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to show that a refused request changed nothing."""
    db.session.expire_all()
    tables: dict[str, list[tuple]] = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        tables[table.name] = sorted((tuple(map(repr, row)) for row in rows), key=repr)
    return tables


#: A complete self-audit form: every statement answered, one focus area.
SELF_AUDIT_FORM = {
    **{f"answer-{key}": "secure" for key in STATEMENT_KEYS},
    "focus_area": "thinking",
}
