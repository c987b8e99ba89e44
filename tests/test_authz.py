"""The one authorisation rule, for every role, across two schools and two trusts."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import authz
from app.extensions import db
from app.models import Visit
from tests.factories import add_role, make_pair, make_school, make_trust, make_user, make_visit


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
