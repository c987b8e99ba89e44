"""The teacher's pages over HTTP: the current step, acknowledging, reflecting, moving the
status on, history and the journey. Strictly their own: other people's steps answer 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import ActionStep, School, User, Visit
from tests.conftest import csrf_token_from
from tests.factories import (
    make_library_step,
    make_pair,
    make_school,
    make_trust,
    make_user,
    make_visit,
)

HTMX = {"HX-Request": "true"}
NOW = datetime.now(UTC)


@dataclass
class World:
    school: School
    coach: User
    teacher: User
    colleague: User
    first: Visit
    second: Visit
    latest: Visit
    colleagues_visit: Visit


@pytest.fixture
def world(app) -> World:
    """A teacher with three visits from their coach (two Questioning steps, one written
    fresh) and a colleague in the same school with a visit of their own."""
    trust = make_trust()
    school = make_school(trust)
    coach = make_user("coach@school.test", "Priya Shah", roles=[(school, "coach")])
    teacher = make_user("teacher@school.test", "Tom Baker", roles=[(school, "teacher")])
    colleague = make_user("colleague@school.test", "Amara Okafor", roles=[(school, "teacher")])
    make_pair(coach, teacher, school)
    make_pair(coach, colleague, school)
    questioning = make_library_step(trust, category="Questioning", title="Pause, then name")
    follow_up = make_library_step(trust, category="Questioning", title="Ask how they know")
    first = make_visit(
        coach,
        teacher,
        school,
        NOW - timedelta(days=28),
        step_text=questioning.title,
        library_step=questioning,
        status="embedded",
        notes="Hands up mostly.",
    )
    second = make_visit(
        coach,
        teacher,
        school,
        NOW - timedelta(days=14),
        step_text="Start with the task on the desks",
        status="practising",
    )
    latest = make_visit(
        coach,
        teacher,
        school,
        NOW - timedelta(days=2),
        step_text=follow_up.title,
        library_step=follow_up,
        notes="Lively discussion in pairs.",
        class_name="Year 4",
        subject="Maths",
    )
    colleagues_visit = make_visit(
        coach,
        colleague,
        school,
        NOW - timedelta(days=1),
        step_text="Colleague's private step",
        notes="Colleague's notes",
    )
    colleagues_visit.action_step.reflection = "Colleague's private reflection"
    db.session.commit()
    return World(school, coach, teacher, colleague, first, second, latest, colleagues_visit)


def page_token(client) -> str:
    return csrf_token_from(client.get("/teacher").get_data(as_text=True))


def post_step(client, visit, action: str, data: dict | None = None, htmx: bool = True):
    form = {"csrf_token": page_token(client), **(data or {})}
    return client.post(
        f"/teacher/steps/{visit.id}/{action}", data=form, headers=HTMX if htmx else {}
    )


def step_of(visit) -> ActionStep:
    db.session.expire_all()
    return db.session.get(Visit, visit.id).action_step


# The current step


def test_home_shows_the_latest_step_who_set_it_when_and_the_drop_in_notes(client, auth, world):
    auth.login("teacher@school.test")
    html = client.get("/teacher").get_data(as_text=True)
    assert "<h1>My action step</h1>" in html
    assert "Ask how they know" in html
    assert "Set by Priya Shah on" in html
    assert world.latest.started_at.strftime("%B") in html
    assert "Lively discussion in pairs." in html
    assert "Year 4 Maths" in html
    assert "Questioning" in html
    assert "Got it: I’ll try this" in html
    assert "Hands up mostly." not in html  # an earlier visit's notes are in the history


def test_a_teacher_without_visits_sees_a_friendly_empty_page(client, auth, world):
    make_user("new@school.test", roles=[(world.school, "teacher")])
    db.session.commit()
    auth.login("new@school.test")
    response = client.get("/teacher")
    assert response.status_code == 200
    assert "No action step yet" in response.get_data(as_text=True)


def test_a_teacher_who_also_coaches_sees_only_their_own_step(client, auth, world):
    """A peer coach sees their coachee's visits on the coach's pages, never here."""
    peer = make_user(
        "peer@school.test", "Sian Evans", roles=[(world.school, "teacher"), (world.school, "coach")]
    )
    make_pair(peer, world.colleague, world.school)
    make_visit(world.coach, peer, world.school, NOW - timedelta(days=5), step_text="Peer own step")
    db.session.commit()
    auth.login("peer@school.test")
    html = client.get("/teacher").get_data(as_text=True)
    assert "Peer own step" in html
    assert "Colleague" not in html
    history = client.get("/teacher/history").get_data(as_text=True)
    assert "Colleague" not in history


@pytest.mark.parametrize("path", ["/teacher", "/teacher/history", "/teacher/journey"])
def test_pages_ask_to_sign_in(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# Acknowledge, status, reflection


def test_acknowledging_takes_one_tap_and_answers_the_fragment(client, auth, world):
    auth.login("teacher@school.test")
    response = post_step(client, world.latest, "acknowledge")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert 'id="step-progress"' in html
    assert "You acknowledged this on" in html
    assert "Your coach can see you have it" in html
    assert step_of(world.latest).acknowledged_at is not None


def test_acknowledging_twice_keeps_the_first_time(client, auth, world):
    auth.login("teacher@school.test")
    post_step(client, world.latest, "acknowledge")
    first_time = step_of(world.latest).acknowledged_at
    post_step(client, world.latest, "acknowledge")
    assert step_of(world.latest).acknowledged_at == first_time


def test_moving_the_status_on_records_when(client, auth, world):
    auth.login("teacher@school.test")
    response = post_step(client, world.latest, "status", {"status": "practising"})
    assert response.status_code == 200
    assert 'aria-current="step"' in response.get_data(as_text=True)
    step = step_of(world.latest)
    assert step.status == "practising"
    assert step.status_changed_at is not None
    refused = post_step(client, world.latest, "status", {"status": "embedded"})
    assert refused.status_code == 422
    assert "judgement, after a later drop-in" in refused.get_data(as_text=True)
    assert step_of(world.latest).status == "practising"


@pytest.mark.parametrize("status", ["", "graded", "outstanding"])
def test_an_unknown_status_is_refused_with_a_message_and_changes_nothing(
    client, auth, world, status
):
    auth.login("teacher@school.test")
    response = post_step(client, world.latest, "status", {"status": status})
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert step_of(world.latest).status == "new"


def test_a_reflection_is_saved_and_shown(client, auth, world):
    auth.login("teacher@school.test")
    text = "Tried it in period 2: more hands, and two quiet pupils explained their reasoning."
    response = post_step(client, world.latest, "reflection", {"reflection": text})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="step-reflection"' in html
    assert "Reflection saved" in html
    step = step_of(world.latest)
    assert step.reflection == text
    assert step.reflected_at is not None


def test_a_too_long_reflection_gets_a_clear_message_at_the_field(client, auth, world):
    auth.login("teacher@school.test")
    response = post_step(client, world.latest, "reflection", {"reflection": "x" * 2001})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="reflection-error"' in html and "Shorten your reflection to 2,000" in html
    assert 'aria-invalid="true"' in html
    assert step_of(world.latest).reflection == ""


def test_text_the_database_cannot_store_is_refused_at_the_field(client, auth, world):
    auth.login("teacher@school.test")
    response = post_step(client, world.latest, "reflection", {"reflection": "a\x00b"})
    # Every form and query refuses NUL characters the same way (app/security.py).
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert step_of(world.latest).reflection == ""


def test_bytes_that_are_not_utf8_never_cause_an_error(client, auth, world):
    """An encoded lone surrogate: the form decoder replaces it, so it saves."""
    auth.login("teacher@school.test")
    body = f"csrf_token={page_token(client)}&reflection=tried%ED%A0%80it".encode()
    response = client.post(
        f"/teacher/steps/{world.latest.id}/reflection",
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers=HTMX,
    )
    assert response.status_code == 200
    assert step_of(world.latest).reflection.startswith("tried")


def test_an_empty_reflection_clears_it(client, auth, world):
    auth.login("teacher@school.test")
    post_step(client, world.latest, "reflection", {"reflection": "First thoughts"})
    response = post_step(client, world.latest, "reflection", {"reflection": "  "})
    assert response.status_code == 200
    assert "Reflection removed: your coach no longer sees it." in response.get_data(as_text=True)
    step = step_of(world.latest)
    assert (step.reflection, step.reflected_at) == ("", None)


def test_an_empty_reflection_where_there_was_none_says_there_is_nothing_to_save(
    client, auth, world
):
    auth.login("teacher@school.test")
    response = post_step(client, world.latest, "reflection", {"reflection": "  "})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nothing to save yet: write your reflection first." in page
    assert "Reflection removed" not in page
    assert step_of(world.latest).reflected_at is None


def test_a_too_long_reflection_is_given_back_to_edit(client, auth, world):
    auth.login("teacher@school.test")
    text = "long " * 450
    html = post_step(client, world.latest, "reflection", {"reflection": text}).get_data(
        as_text=True
    )
    assert text.strip() in html


def test_without_htmx_a_change_returns_to_the_page(client, auth, world):
    auth.login("teacher@school.test")
    response = post_step(client, world.latest, "acknowledge", htmx=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/teacher")
    response = post_step(client, world.latest, "reflection", {"reflection": "x" * 2001}, htmx=False)
    assert response.status_code == 422
    assert "<html" in response.get_data(as_text=True)


def test_changes_need_the_csrf_token(client, auth, world):
    auth.login("teacher@school.test")
    response = client.post(f"/teacher/steps/{world.latest.id}/acknowledge", headers=HTMX)
    assert response.status_code == 400
    assert step_of(world.latest).acknowledged_at is None


def test_csrf_token_in_the_header_is_enough(client, auth, world):
    auth.login("teacher@school.test")
    response = client.post(
        f"/teacher/steps/{world.latest.id}/acknowledge",
        headers={**HTMX, "X-CSRFToken": page_token(client)},
    )
    assert response.status_code == 200


def test_an_earlier_step_stays_closed(client, auth, world):
    """A change queued on the tablet before the coach set a new step still syncs (200)
    and leaves the closed step as it was."""
    auth.login("teacher@school.test")
    assert post_step(client, world.second, "status", {"status": "practising"}).status_code == 200
    assert step_of(world.second).status == "replaced"


# Strictly their own

CHANGES = [
    ("acknowledge", {}),
    ("status", {"status": "embedded"}),
    ("reflection", {"reflection": "Not mine to write"}),
]


@pytest.mark.parametrize("action, data", CHANGES)
def test_another_teachers_step_cannot_be_changed(client, auth, world, action, data):
    auth.login("teacher@school.test")
    response = post_step(client, world.colleagues_visit, action, data)
    assert response.status_code == 404
    step = step_of(world.colleagues_visit)
    assert (step.acknowledged_at, step.status, step.reflection) == (
        None,
        "new",
        "Colleague's private reflection",
    )


@pytest.mark.parametrize("action, data", CHANGES)
def test_the_coach_cannot_use_the_teachers_buttons(client, auth, world, action, data):
    """The coach sets status from their own page; acknowledging and reflecting are the
    teacher's alone."""
    auth.login("coach@school.test")
    assert post_step(client, world.latest, action, data).status_code == 404
    step = step_of(world.latest)
    assert (step.acknowledged_at, step.status, step.reflection) == (None, "new", "")


def test_a_made_up_visit_id_answers_404(client, auth, world):
    auth.login("teacher@school.test")
    response = post_step(client, world.latest, "acknowledge")
    assert response.status_code == 200
    response = client.post(
        "/teacher/steps/00000000-0000-4000-8000-000000000000/acknowledge",
        data={"csrf_token": page_token(client)},
        headers=HTMX,
    )
    assert response.status_code == 404
    assert (
        client.post(
            "/teacher/steps/not-a-uuid/acknowledge", data={"csrf_token": page_token(client)}
        ).status_code
        == 404
    )


# History


def test_history_lists_every_step_newest_first_and_only_their_own(client, auth, world):
    auth.login("teacher@school.test")
    html = client.get("/teacher/history").get_data(as_text=True)
    positions = [
        html.index(text)
        for text in ("Ask how they know", "Start with the task on the desks", "Pause, then name")
    ]
    assert positions == sorted(positions)
    assert "3 steps" in html
    assert "Hands up mostly." in html  # the notes of an earlier drop-in
    assert "Colleague" not in html


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ("status=replaced", ["Start with the task"], ["Ask how they know", "Pause, then name"]),
        ("status=embedded", ["Pause, then name"], ["Ask how they know", "Start with the task"]),
        (
            "category=Questioning",
            ["Ask how they know", "Pause, then name"],
            ["Start with the task"],
        ),
        ("category=own-words", ["Start with the task"], ["Ask how they know", "Pause, then name"]),
        ("status=new&category=Questioning", ["Ask how they know"], ["Pause, then name"]),
    ],
)
def test_history_filters_by_status_and_kind_of_step(client, auth, world, query, shown, hidden):
    auth.login("teacher@school.test")
    html = client.get(f"/teacher/history?{query}").get_data(as_text=True)
    for text in shown:
        assert text in html
    for text in hidden:
        assert text not in html


def test_history_filter_answers_htmx_with_just_the_list(client, auth, world):
    auth.login("teacher@school.test")
    response = client.get("/teacher/history?status=embedded", headers=HTMX)
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="history-list"')
    assert "1 step shown" in html
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    "query", ["status=graded", "category=%3Cscript%3E", "status=", "category=" + "x" * 500]
)
def test_unknown_filters_show_everything_rather_than_fail(client, auth, world, query):
    auth.login("teacher@school.test")
    response = client.get(f"/teacher/history?{query}")
    assert response.status_code == 200
    assert "3 steps" in response.get_data(as_text=True)


def test_no_matching_steps_says_how_to_widen_the_filter(client, auth, world):
    auth.login("teacher@school.test")
    html = client.get("/teacher/history?status=embedded&category=own-words").get_data(as_text=True)
    assert "No steps match these filters" in html


# The journey


def test_journey_groups_terms_newest_first_and_links_steps_of_the_same_kind(client, auth, world):
    trust = make_trust()
    routines = make_library_step(trust, category="Routines", title="Meet them at the door")
    routines_next = make_library_step(trust, category="Routines", title="Countdown transitions")
    teacher = make_user("journey@school.test", roles=[(world.school, "teacher")])
    for day, library_step in [
        ((2025, 9, 15), routines),
        ((2025, 10, 6), None),
        ((2026, 1, 12), routines_next),
    ]:
        make_visit(
            world.coach,
            teacher,
            world.school,
            datetime(*day, 9, tzinfo=UTC),
            step_text=library_step.title if library_step else "Model one example aloud",
            library_step=library_step,
        )
    db.session.commit()
    auth.login("journey@school.test")
    html = client.get("/teacher/journey").get_data(as_text=True)
    spring, autumn = html.split("Spring term 2026")[1].split("Autumn term 2025")
    assert "Countdown transitions" in spring
    assert autumn.index("Meet them at the door") < autumn.index("Model one example aloud")
    assert html.count("Builds on") == 1
    assert "Builds on your Routines step from 15 September 2025" in html


def test_journey_shows_only_their_own_steps(client, auth, world):
    auth.login("teacher@school.test")
    html = client.get("/teacher/journey").get_data(as_text=True)
    assert "Ask how they know" in html
    assert "Colleague" not in html


# Improving, not proving; whose page it is


@pytest.mark.parametrize("path", ["/teacher", "/teacher/history", "/teacher/journey"])
def test_pages_hold_no_grades_and_no_inline_code(client, auth, world, path):
    auth.login("teacher@school.test")
    html = client.get(path).get_data(as_text=True)
    for judgement in ("grade", "score", "outstanding", "inadequate", "requires improvement"):
        assert judgement not in html.lower()
    assert "style=" not in html and "<script>" not in html and "hx-on" not in html


def test_pages_name_their_person_for_the_service_workers_caches(client, auth, world):
    """The worker keeps each person's pages apart by this header ("" when signed out)."""
    assert client.get("/login").headers["X-Dropin-User"] == ""
    auth.login("teacher@school.test")
    response = client.get("/teacher")
    assert response.headers["X-Dropin-User"] == str(world.teacher.id)
    assert "X-Dropin-User" not in client.get("/api/v1/me").headers
