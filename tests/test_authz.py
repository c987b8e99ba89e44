"""The one authorisation rule, for every role, across two schools and two trusts."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import authz
from app.extensions import db
from app.models import CoachingPair, Visit
from tests.factories import (
    add_role,
    make_library_step,
    make_pair,
    make_school,
    make_trust,
    make_user,
    make_visit,
)


@pytest.fixture
def world(app):
    """Two trusts; trust A has schools A1 and A2, trust B has B1. One visit per pairing."""
    trust_a, trust_b = make_trust("Trust A"), make_trust("Trust B")
    a1, a2 = make_school(trust_a, "a1"), make_school(trust_a, "a2")
    b1 = make_school(trust_b, "b1")

    people = {
        "coach": make_user("coach@a1", roles=[(a1, "coach")]),
        "teacher": make_user("teacher@a1", roles=[(a1, "teacher")]),
        "other_teacher": make_user("other@a1", roles=[(a1, "teacher")]),
        "former_coachee": make_user("former@a1", roles=[(a1, "teacher")]),
        "peer": make_user("peer@a1", roles=[(a1, "teacher"), (a1, "coach")]),
        "a2_teacher": make_user("teacher@a2", roles=[(a2, "teacher")]),
        "a2_coach": make_user("coach@a2", roles=[(a2, "coach")]),
        "school_lead": make_user("lead@a1", roles=[(a1, "lead")]),
        "trust_lead": make_user("lead@trust-a"),
        "admin": make_user("admin@trust-a"),
        "b_teacher": make_user("teacher@b1", roles=[(b1, "teacher")]),
        "b_coach": make_user("coach@b1", roles=[(b1, "coach")]),
        "b_trust_lead": make_user("lead@trust-b"),
    }
    add_role(people["trust_lead"], trust_a, "trust_lead")
    add_role(people["admin"], trust_a, "admin")
    add_role(people["b_trust_lead"], trust_b, "trust_lead")

    make_pair(people["coach"], people["teacher"], a1)
    make_pair(
        people["coach"],
        people["former_coachee"],
        a1,
        since=date.today() - timedelta(days=90),
        until=date.today() - timedelta(days=1),
    )
    make_pair(people["peer"], people["other_teacher"], a1)  # a triad member coaching a peer
    make_pair(people["a2_coach"], people["a2_teacher"], a2)
    make_pair(people["b_coach"], people["b_teacher"], b1)

    visits = {
        "coach_teacher": make_visit(people["coach"], people["teacher"], a1),
        "coach_former": make_visit(people["coach"], people["former_coachee"], a1),
        "peer_other": make_visit(people["peer"], people["other_teacher"], a1),
        # written by a previous coach of `teacher`: the current coach still sees it
        "lead_teacher": make_visit(people["school_lead"], people["teacher"], a1),
        "lead_former": make_visit(people["school_lead"], people["former_coachee"], a1),
        "a2": make_visit(people["a2_coach"], people["a2_teacher"], a2),
        "b1": make_visit(people["b_coach"], people["b_teacher"], b1),
    }
    db.session.commit()
    return people, visits


EXPECTED_VISITS = {
    # coach: wrote them, or the teacher is a current coachee
    "coach": {"coach_teacher", "coach_former", "lead_teacher"},
    "teacher": {"coach_teacher", "lead_teacher"},
    "other_teacher": {"peer_other"},
    "former_coachee": {"coach_former", "lead_former"},
    "peer": {"peer_other"},
    "a2_teacher": {"a2"},
    "a2_coach": {"a2"},
    "school_lead": {"coach_teacher", "coach_former", "peer_other", "lead_teacher", "lead_former"},
    "trust_lead": {
        "coach_teacher",
        "coach_former",
        "peer_other",
        "lead_teacher",
        "lead_former",
        "a2",
    },
    "admin": set(),
    "b_teacher": {"b1"},
    "b_coach": {"b1"},
    "b_trust_lead": {"b1"},
}


@pytest.mark.parametrize("person", EXPECTED_VISITS)
def test_each_role_sees_exactly_the_visits_the_rule_allows(world, person):
    people, visits = world
    user = people[person]
    seen = set(db.session.scalars(sa.select(Visit.id).where(authz.visible_visits_clause(user))))
    expected = {visits[name].id for name in EXPECTED_VISITS[person]}
    assert seen == expected
    for name, visit in visits.items():
        assert authz.can_see_visit(user, visit.id) == (name in EXPECTED_VISITS[person])


EXPECTED_WRITABLE = {
    "coach": {"teacher"},  # not the former coachee
    "teacher": set(),
    "peer": {"other_teacher"},
    "a2_coach": {"a2_teacher"},
    "school_lead": {"teacher", "other_teacher", "former_coachee", "peer"},
    "trust_lead": {"teacher", "other_teacher", "former_coachee", "peer", "a2_teacher"},
    "admin": set(),
    "b_coach": {"b_teacher"},
    "b_trust_lead": {"b_teacher"},
}


@pytest.mark.parametrize("person", EXPECTED_WRITABLE)
def test_each_role_may_write_visits_only_for_the_right_teachers(world, person):
    people, _ = world
    user = people[person]
    names_by_id = {u.id: name for name, u in people.items()}
    writable = {names_by_id[c.teacher.id] for c in authz.writable_coachees(user)}
    assert writable == EXPECTED_WRITABLE[person]
    for name, other in people.items():
        allowed = authz.school_for_new_visit(user, other.id) is not None
        assert allowed == (name in EXPECTED_WRITABLE[person])


def test_a_coachs_own_teachers_come_first(world):
    people, _ = world
    coachees = authz.writable_coachees(people["school_lead"])
    # the school lead coaches nobody directly: none is flagged
    assert not any(c.coached_by_user for c in coachees)
    peer_list = authz.writable_coachees(people["peer"])
    assert [c.coached_by_user for c in peer_list] == [True]


def test_deactivated_teacher_is_not_offered_for_new_visits(world):
    people, _ = world
    people["teacher"].active = False
    db.session.commit()
    assert authz.writable_coachees(people["coach"]) == []


def test_roles_are_listed_once_each(world):
    people, _ = world
    assert authz.roles_of(people["peer"]) == ["coach", "teacher"]
    assert authz.roles_of(people["trust_lead"]) == ["trust_lead"]
    assert authz.roles_of(people["admin"]) == ["admin"]


@pytest.mark.parametrize(
    "person, visible",
    [
        ("teacher", True),
        ("coach", True),
        ("school_lead", True),
        ("trust_lead", True),
        ("other_teacher", False),
        ("a2_coach", False),
        ("b_trust_lead", False),
        ("admin", False),
    ],
)
def test_who_may_see_a_teacher(world, person, visible):
    people, _ = world
    assert authz.can_see_teacher(people[person], people["teacher"].id) == visible


def test_get_visit_or_404_answers_404_for_what_is_not_allowed(world):
    from werkzeug.exceptions import NotFound

    people, visits = world
    assert authz.get_visit_or_404(people["teacher"], visits["coach_teacher"].id)
    with pytest.raises(NotFound):
        authz.get_visit_or_404(people["b_trust_lead"], visits["coach_teacher"].id)


# Who may write -----------------------------------------------------------------------


def _school(visits, name):
    return visits[name].school


@pytest.mark.parametrize("person", EXPECTED_WRITABLE)
def test_may_write_a_visit_only_for_the_right_teacher_in_the_right_school(world, person):
    people, visits = world
    user = people[person]
    names_by_id = {u.id: name for name, u in people.items()}
    expected = {(names_by_id[c.teacher.id], c.school.id) for c in authz.writable_coachees(user)}
    schools = {visit.school for visit in visits.values()}
    for name, teacher in people.items():
        for school in schools:
            allowed = authz.may_write_visit_for(user, teacher.id, school.id)
            assert allowed == ((name, school.id) in expected), (name, school.slug)


def test_a_visit_goes_to_the_school_where_the_writer_coaches_the_teacher(world):
    """A lead of A2 who coaches an A1 teacher at A1: the visit belongs to A1."""
    people, visits = world
    a1, a2 = _school(visits, "coach_teacher"), _school(visits, "a2")
    add_role(people["teacher"], a2, "teacher")
    add_role(people["a2_coach"], a2, "lead")
    make_pair(people["a2_coach"], people["teacher"], a1)
    db.session.commit()
    assert authz.school_for_new_visit(people["a2_coach"], people["teacher"].id) == a1
    # as a lead only, the teacher's A2 membership is what allows it
    assert authz.school_for_new_visit(people["school_lead"], people["teacher"].id) == a1


#: Who may change the status of each visit's step: its teacher and their coach, never a
#: lead as such (leads see steps, statuses and dates).
EXPECTED_STEP_STATUS = {
    "coach_teacher": {"coach", "teacher"},
    # the pairing ended: the coach of the step's visit and the teacher still may
    "coach_former": {"coach", "former_coachee"},
    "peer_other": {"peer", "other_teacher"},
    "a2": {"a2_coach", "a2_teacher"},
    "b1": {"b_coach", "b_teacher"},
}


@pytest.mark.parametrize("person", EXPECTED_VISITS)
def test_who_may_change_a_steps_status(world, person):
    people, visits = world
    for name, allowed in EXPECTED_STEP_STATUS.items():
        assert authz.may_set_step_status(people[person], visits[name]) == (person in allowed), name


@pytest.mark.parametrize("person", EXPECTED_VISITS)
def test_only_the_teacher_acknowledges_and_reflects_and_only_the_coach_edits(world, person):
    people, visits = world
    user = people[person]
    for visit in visits.values():
        assert authz.may_acknowledge_or_reflect(user, visit) == (visit.teacher_id == user.id)
        assert authz.may_edit_visit(user, visit) == (visit.coach_id == user.id)
        uploadable = authz.visit_for_photo_upload(user, visit.id)
        assert uploadable == (visit if visit.coach_id == user.id else None)


@pytest.mark.parametrize("person", EXPECTED_VISITS)
def test_own_visits_are_the_teachers_visits(world, person):
    people, visits = world
    user = people[person]
    own = set(db.session.scalars(sa.select(Visit.id).where(authz.own_visits_clause(user))))
    assert own == {v.id for v in visits.values() if v.teacher_id == user.id}


EXPORTERS = {"coach", "peer", "a2_coach", "b_coach", "school_lead", "trust_lead", "b_trust_lead"}
#: Schools whose visits each person may name in an export.
EXPORTABLE_SCHOOLS = {
    "coach": {"a1"},
    "teacher": {"a1"},
    "school_lead": {"a1"},
    "trust_lead": {"a1", "a2"},
    "admin": set(),
    "a2_coach": {"a2"},
    "b_trust_lead": {"b1"},
}


@pytest.mark.parametrize("person", EXPECTED_VISITS)
def test_who_may_export_visits(world, person):
    people, _ = world
    assert authz.may_export_visits(people[person]) == (person in EXPORTERS)


@pytest.mark.parametrize("person", EXPORTABLE_SCHOOLS)
def test_which_schools_a_person_may_export(world, person):
    people, visits = world
    schools = {visit.school.slug: visit.school for visit in visits.values()}
    allowed = {slug for slug, s in schools.items() if authz.may_export_school(people[person], s.id)}
    assert allowed == EXPORTABLE_SCHOOLS[person]


@pytest.mark.parametrize("person", EXPECTED_VISITS)
def test_only_a_trusts_admin_administers_it(world, person):
    people, visits = world
    user = people[person]
    is_admin = person == "admin"
    a1, b1 = _school(visits, "coach_teacher"), _school(visits, "b1")
    a1_pair = db.session.scalar(sa.select(CoachingPair).where(CoachingPair.school_id == a1.id))
    b1_pair = db.session.scalar(sa.select(CoachingPair).where(CoachingPair.school_id == b1.id))
    a_step, b_step = make_library_step(a1.trust, a1), make_library_step(b1.trust)
    assert authz.may_administer(user) == is_admin
    assert authz.administered_trusts(user) == ([a1.trust] if is_admin else [])
    assert (authz.administered_trust(user, a1.trust_id) is not None) == is_admin
    assert (authz.administered_school(user, a1.id) is not None) == is_admin
    assert (authz.administered_pair(user, a1_pair.id) is not None) == is_admin
    assert (authz.administered_library_step(user, a_step.id) is not None) == is_admin
    assert authz.administered_trust(user, b1.trust_id) is None
    assert authz.administered_school(user, b1.id) is None
    assert authz.administered_pair(user, b1_pair.id) is None
    assert authz.administered_library_step(user, b_step.id) is None


def test_an_admin_manages_only_people_with_a_role_in_their_trust(world):
    people, visits = world
    trust_a = _school(visits, "coach_teacher").trust
    for name, person in people.items():
        in_trust_a = not name.startswith("b_")
        assert (authz.administered_person(trust_a, person.id) is not None) == in_trust_a, name


def test_library_steps_usable_in_a_school_are_its_own_and_its_trusts(world):
    _, visits = world
    a1, a2, b1 = (_school(visits, name) for name in ("coach_teacher", "a2", "b1"))
    trust_wide = make_library_step(a1.trust, title="Trust-wide")
    own = make_library_step(a1.trust, a1, title="A1's own")
    a2_own = make_library_step(a2.trust, a2, title="A2's own")
    other_trust = make_library_step(b1.trust, title="Trust B's")
    retired = make_library_step(a1.trust, a1, title="Retired")
    retired.retired_at = datetime.now(UTC)
    db.session.commit()
    assert {s.title for s in authz.usable_library_steps([a1.id])} == {"Trust-wide", "A1's own"}
    assert {s.title for s in authz.usable_library_steps([a1.id, a2.id])} == {
        "Trust-wide",
        "A1's own",
        "A2's own",
    }
    assert authz.usable_library_steps([]) == []
    for step, usable in ((trust_wide, True), (own, True), (retired, True)):
        assert authz.may_use_library_step(a1, step.id) == usable
    assert not authz.may_use_library_step(a1, a2_own.id)
    assert not authz.may_use_library_step(a1, other_trust.id)


@pytest.fixture
def statements(app):
    """The SQL statements run while the test's block runs."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", count)


def test_each_write_check_is_one_query(world, statements):
    people, visits = world
    coach, teacher, visit = people["coach"], people["teacher"], visits["coach_teacher"]
    a1 = visit.school
    checks = [
        lambda: authz.school_for_new_visit(coach, teacher.id),
        lambda: authz.may_write_visit_for(coach, teacher.id, a1.id),
        lambda: authz.can_see_teacher(people["trust_lead"], teacher.id),
        lambda: authz.may_set_step_status(people["school_lead"], visit),
        lambda: authz.visit_for_photo_upload(coach, visit.id),
        lambda: authz.may_export_visits(coach),
        lambda: authz.may_export_school(coach, a1.id),
        lambda: authz.may_administer(people["admin"]),
        lambda: authz.administered_school(people["admin"], a1.id),
        lambda: authz.may_use_library_step(a1, 1),
    ]
    for check in checks:
        check()  # loads the rows the arguments are (expired by the fixture's commit)
        statements.clear()
        check()
        assert len(statements) == 1, statements
