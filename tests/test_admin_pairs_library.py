"""Coaching pairs, triads and the action-step library over HTTP."""

# ruff: noqa: F811  (test parameters name the imported fixtures, as pytest wants)

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CoachingPair, LibraryStep, Visit
from tests.admin_world import admin, everything, field_errors, world  # noqa: F401  (pytest fixtures)
from tests.factories import (
    add_role,
    make_pair,
    make_user,
    make_visit,
)


def pair_form(coach, teacher, since=None):
    return {
        "pair-coach_id": coach.id,
        "pair-teacher_id": teacher.id,
        "pair-since": (since or date.today()).isoformat(),
    }


def open_pairs(school):
    return {
        (p.coach_id, p.teacher_id)
        for p in db.session.scalars(
            sa.select(CoachingPair).where(
                CoachingPair.school_id == school.id, CoachingPair.until.is_(None)
            )
        )
    }


def test_a_coach_can_also_be_coached(world, admin):
    response = admin(
        f"/admin/schools/{world['a1'].id}/pairs", pair_form(world["peer"], world["coach"])
    )
    assert response.status_code == 200
    assert (world["peer"].id, world["coach"].id) in open_pairs(world["a1"])


@pytest.mark.parametrize(
    "coach, teacher, message",
    [
        ("peer", "peer", "Pat Peer cannot coach themselves."),
        ("coach", "teacher", "Cal Coach already coaches Tia Teacher."),
        ("teacher", "peer", "Choose a coach of Alder."),
        ("coach", "other_admin", "Choose an active member of Alder."),
    ],
)
def test_refused_pairs_say_why_at_the_field(world, admin, coach, teacher, message):
    before = everything(world)
    response = admin(
        f"/admin/schools/{world['a1'].id}/pairs", pair_form(world[coach], world[teacher])
    )
    assert response.status_code == 422
    assert message in field_errors(response)
    assert everything(world) == before


def test_a_triad_is_a_ring_of_three_pairs(world, admin):
    a1 = world["a1"]
    third = make_user("third@a1", name="Tao Third", roles=[(a1, "teacher"), (a1, "coach")])
    head = world["lead"]
    add_role(head, a1, "coach")
    db.session.commit()
    ids = [world["peer"].id, third.id, head.id]

    response = admin(
        f"/admin/schools/{a1.id}/triads",
        {
            "triad-first_id": ids[0],
            "triad-second_id": ids[1],
            "triad-third_id": ids[2],
            "triad-since": date.today().isoformat(),
        },
    )

    assert response.status_code == 200
    assert {(ids[0], ids[1]), (ids[1], ids[2]), (ids[2], ids[0])} <= open_pairs(a1)
    again = admin(
        f"/admin/schools/{a1.id}/triads",
        {
            "triad-first_id": ids[0],
            "triad-second_id": ids[1],
            "triad-third_id": ids[0],
            "triad-since": date.today().isoformat(),
        },
    )
    assert again.status_code == 422
    assert "Pat Peer is already in this triad" in " ".join(field_errors(again))


def test_ending_a_pair_sets_until_today_and_keeps_it(world, admin):
    pair = world["pair"]
    response = admin(f"/admin/pairs/{pair.id}/end", {"confirm": "yes"})
    assert response.status_code == 200
    told = f"{pair.coach.name} no longer coaches {pair.teacher.name} after today: it stays"
    assert told in response.get_data(as_text=True)  # why "Ends today" is still listed
    db.session.refresh(pair)
    assert pair.until == date.today()
    assert db.session.get(CoachingPair, pair.id) is not None


def test_ending_a_pair_asks_first_and_changes_nothing_until_confirmed(world, admin):
    pair = world["pair"]
    before = everything(world)
    response = admin(f"/admin/pairs/{pair.id}/end")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "End this pair?" in html and ">Yes, end it<" in html and ">Keep it</a>" in html
    assert everything(world) == before


def test_an_empty_pair_form_reports_the_coach_and_the_person(world, admin):
    response = admin(
        f"/admin/schools/{world['a1'].id}/pairs",
        {"pair-coach_id": "0", "pair-teacher_id": "0", "pair-since": date.today().isoformat()},
    )
    assert response.status_code == 422
    assert field_errors(response) == ["Choose a coach.", "Choose who they coach."]


def test_pair_dates_read_as_uk_dates(world, admin, client):
    world["pair"].since = date(2026, 9, 14)
    db.session.commit()
    html = client.get(f"/admin/schools/{world['a1'].id}/pairs").get_data(as_text=True)
    assert '<time datetime="2026-09-14">14 Sep 2026</time>' in html


def test_ending_a_pair_that_has_not_started_withdraws_it(world, admin):
    pair = make_pair(
        world["peer"], world["teacher"], world["a1"], since=date.today() + timedelta(days=7)
    )
    db.session.commit()
    names = f"{pair.coach.name} → {pair.teacher.name}"
    response = admin(f"/admin/pairs/{pair.id}/end", {"confirm": "yes"})
    assert f"Withdrew the planned pair {names}." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CoachingPair, pair.id) is None


def test_library_add_edit_retire_and_bring_back(world, admin):
    trust = world["trust_a"]
    added = admin(
        f"/admin/trusts/{trust.id}/library",
        {
            "school_id": world["a1"].id,
            "category": "Questioning",
            "title": "Wait three seconds",
            "guidance": "",
        },
    )
    assert added.status_code == 200
    step = db.session.scalar(
        sa.select(LibraryStep).where(LibraryStep.title == "Wait three seconds")
    )
    assert step.school_id == world["a1"].id

    edited = admin(
        f"/admin/library/{step.id}",
        {
            f"step-{step.id}-school_id": 0,
            f"step-{step.id}-category": "Questioning",
            f"step-{step.id}-title": "Wait five seconds",
            f"step-{step.id}-guidance": "Count.",
        },
    )
    assert edited.status_code == 200
    db.session.refresh(step)
    assert (step.title, step.school_id, step.guidance) == ("Wait five seconds", None, "Count.")

    too_long = admin(
        f"/admin/library/{step.id}",
        {
            f"step-{step.id}-school_id": 0,
            f"step-{step.id}-category": "Questioning",
            f"step-{step.id}-title": "x" * 281,
        },
    )
    assert too_long.status_code == 422
    assert "Keep the step to 280 characters or fewer." in field_errors(too_long)

    admin(f"/admin/library/{step.id}/retire", {"retired": "yes"})
    db.session.refresh(step)
    assert step.retired_at is not None
    admin(f"/admin/library/{step.id}/retire", {"retired": "no"})
    db.session.refresh(step)
    assert step.retired_at is None


def test_a_retired_step_stays_on_old_visits(world, admin):
    step = world["step"]
    visit = make_visit(
        world["coach"], world["teacher"], world["a1"], library_step=step, step_text=step.title
    )
    db.session.commit()
    admin(f"/admin/library/{step.id}/retire", {"retired": "yes"})
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).action_step.library_step_id == step.id


def test_a_step_of_another_trusts_school_is_refused(world, admin):
    response = admin(
        f"/admin/trusts/{world['trust_a'].id}/library",
        {"school_id": world["b1"].id, "category": "Q", "title": "T"},
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(LibraryStep).where(LibraryStep.title == "T")) is None
