"""A coaching pair is current on its school's own calendar, not the server's: at the same
moment a pair can have ended in Auckland and still run in London or Honolulu."""

from datetime import UTC, date, datetime

import pytest

from app import authz
from app.extensions import db
from app.models import Visit
from tests.factories import make_pair, make_school, make_trust, make_user, make_visit

JUNE_10, JUNE_11, JUNE_9 = date(2026, 6, 10), date(2026, 6, 11), date(2026, 6, 9)
#: 12:30 UTC on 10 June: 00:30 on 11 June in Auckland (UTC+12), still 10 June in London.
AUCKLAND_AHEAD = datetime(2026, 6, 10, 12, 30, tzinfo=UTC)
#: 08:00 UTC on 10 June: 22:00 on 9 June in Honolulu (UTC-10), already 10 June in London.
HONOLULU_BEHIND = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
SINCE = date(2026, 1, 5)


@pytest.fixture
def world(app):
    """One coach in three schools; per school a pair ending on 10 June (the server's date at
    both moments) and one starting on 10 or 11 June, each teacher with one visit."""
    trust = make_trust()
    schools = {
        zone: make_school(trust, slug, timezone=zone)
        for slug, zone in (
            ("auckland", "Pacific/Auckland"),
            ("honolulu", "Pacific/Honolulu"),
            ("london", "Europe/London"),
        )
    }
    coach = make_user("coach@zones.test", roles=[(s, "coach") for s in schools.values()])
    teachers = {}

    def pair(name, zone, since=SINCE, until=None):
        school = schools[zone]
        teacher = make_user(f"{name}@zones.test", roles=[(school, "teacher")])
        make_pair(coach, teacher, school, since=since, until=until)
        make_visit(make_user(), teacher, school)  # written by someone else
        teachers[name] = teacher

    pair("auckland_ends_june_9", "Pacific/Auckland", until=JUNE_9)
    pair("auckland_ends_june_10", "Pacific/Auckland", until=JUNE_10)
    pair("auckland_starts_june_11", "Pacific/Auckland", since=JUNE_11)
    pair("honolulu_ends_june_9", "Pacific/Honolulu", until=JUNE_9)
    pair("honolulu_starts_june_10", "Pacific/Honolulu", since=JUNE_10)
    pair("london_ends_june_10", "Europe/London", until=JUNE_10)
    pair("london_starts_june_10", "Europe/London", since=JUNE_10)
    db.session.commit()
    return coach, teachers


#: Whom the coach coaches at each moment, by each school's date.
CURRENT_AT = {
    # Auckland is on 11 June: its pair ending 10 June has ended, the one from 11 June runs.
    AUCKLAND_AHEAD: {
        "auckland_starts_june_11",
        "honolulu_starts_june_10",
        "london_ends_june_10",
        "london_starts_june_10",
    },
    # Honolulu is on 9 June: its pair ending 9 June still runs, the one from 10 June not yet.
    HONOLULU_BEHIND: {
        "auckland_ends_june_10",
        "honolulu_ends_june_9",
        "london_ends_june_10",
        "london_starts_june_10",
    },
}


def names(teachers, ids) -> set[str]:
    by_id = {teacher.id: name for name, teacher in teachers.items()}
    return {by_id[i] for i in ids if i in by_id}


@pytest.mark.parametrize("now", CURRENT_AT, ids=["auckland-ahead", "honolulu-behind"])
def test_a_coach_sees_the_visits_of_pairs_current_on_their_schools_date(world, now):
    coach, teachers = world
    visible = db.session.scalars(
        db.select(Visit.teacher_id).where(authz.visible_visits_clause(coach, now))
    )
    assert names(teachers, visible) == CURRENT_AT[now]


@pytest.mark.parametrize("now", CURRENT_AT, ids=["auckland-ahead", "honolulu-behind"])
def test_a_coach_writes_for_the_teachers_of_pairs_current_on_their_schools_date(world, now):
    coach, teachers = world
    coachees = authz.writable_coachees(coach, now)
    assert names(teachers, [c.teacher.id for c in coachees]) == CURRENT_AT[now]
    targets = {
        name: authz.queries.write_target(coach, t.id, None, now) for name, t in teachers.items()
    }
    assert {name for name, target in targets.items() if target is not None} == CURRENT_AT[now]
    # The coach of a current pair reads the teacher's reflections (decided in that query).
    assert all(targets[name].reads_reflection for name in CURRENT_AT[now])
