"""The teacher on a tablet: reads the step, acknowledges it, reflects, moves it on, looks
back over the history and the journey. Every page axe-clean, portrait and landscape."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import User, Visit
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.teacher.conftest import coach_sends_a_visit


def latest_step_of(email: str):
    db.session.expire_all()
    teacher = db.session.scalar(sa.select(User).where(User.email == email))
    visit = db.session.scalar(
        sa.select(Visit)
        .where(Visit.teacher_id == teacher.id)
        .order_by(Visit.started_at.desc())
        .limit(1)
    )
    return visit.action_step


def test_a_step_sent_through_the_api_is_acknowledged_reflected_and_practised(demo, phone, tablet):
    sign_in(phone, "coach@example.org")
    step_text = "Give pupils ten seconds of silent thinking before any hands go up."
    visit_id, _ = coach_sends_a_visit(
        phone, "teacher@example.org", step_text, "Pupils keen; the same few answered."
    )

    sign_in(tablet, "teacher@example.org")
    expect(tablet).to_have_url(re.compile(r"/teacher$"))
    expect(tablet.locator("#step-heading")).to_have_text(step_text)
    expect(tablet.get_by_text("Set by Priya Shah on")).to_be_visible()
    expect(tablet.get_by_text("Pupils keen; the same few answered.")).to_be_visible()
    assert_accessible(tablet, "teacher-home-portrait")

    tablet.get_by_role("button", name="Got it: I’ll try this").click()
    expect(tablet.get_by_text("You acknowledged this on")).to_be_visible()
    expect(tablet.get_by_role("status").filter(has_text="Your coach can see")).to_be_focused()

    reflection = "Tried it with Year 5: more pupils explained their thinking."
    tablet.get_by_label("What did you try, and what happened?").fill(reflection)
    tablet.get_by_role("button", name="Save reflection").click()
    expect(tablet.get_by_text("Reflection saved. Your coach can read it.")).to_be_visible()

    tablet.get_by_role("button", name="I’m practising this").click()
    expect(tablet.locator(".status-track [aria-current='step']")).to_contain_text("Practising")
    assert_accessible(tablet, "teacher-home-after-changes")
    # Updated in place: still the first page load, nothing navigated.
    assert tablet.evaluate("performance.getEntriesByType('navigation').length") == 1

    step = latest_step_of("teacher@example.org")
    assert step.text == step_text
    assert step.acknowledged_at is not None
    assert step.reflection == reflection
    assert step.status == "practising"

    phone.goto("/visits")
    teachers = phone.get_by_role("region", name="Your teachers")
    tom = teachers.locator(".card").filter(has_text="Tom Baker")
    expect(tom).to_contain_text("Acknowledged")
    expect(tom).to_contain_text("Practising since")
    expect(tom).to_contain_text("Reflection written")
    assert_accessible(phone, "coach-list-with-teacher-progress")

    phone.goto(f"/visits/{visit_id}")
    step_section = phone.locator("#action-step")
    expect(step_section).to_contain_text("Acknowledged by Tom Baker")
    expect(step_section).to_contain_text(reflection)
    expect(step_section).to_contain_text("Practising since")
    assert_accessible(phone, "coach-visit-page-with-teacher-progress")
    # Embedded is judged at a later drop-in, never on the visit that set the step.
    expect(phone.get_by_role("button", name="Mark practising")).to_have_count(0)
    expect(phone.get_by_role("button", name="Mark embedded")).to_have_count(0)


def test_a_too_long_reflection_shows_the_message_at_the_field(demo, tablet):
    sign_in(tablet, "teacher@example.org")
    field = tablet.get_by_label("What did you try, and what happened?")
    field.fill("x" * 2100)
    tablet.get_by_role("button", name="Save reflection").click()
    error = tablet.locator("#reflection-error")
    expect(error).to_contain_text("Shorten your reflection to 2,000 characters")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    assert_accessible(tablet, "teacher-reflection-error")
    assert latest_step_of("teacher@example.org").reflection == ""


def test_history_filters_in_place(demo, tablet):
    sign_in(tablet, "teacher@example.org")
    tablet.get_by_role("link", name="History").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("My steps so far")
    # Four drop-ins, two steps: each was revisited once (history shows a step once).
    expect(tablet.locator("#history-count")).to_have_text("2 steps")
    assert_accessible(tablet, "teacher-history-portrait")

    tablet.get_by_label("Status").select_option("embedded")
    expect(tablet.locator("#history-count")).to_have_text("1 step shown")
    expect(tablet).to_have_url(re.compile(r"status=embedded"))
    tablet.get_by_label("Kind of step").select_option("Routines")
    expect(tablet.locator("#history-count")).to_have_text(re.compile(r"^\d+ steps? shown$"))
    for badge in tablet.locator(".history-item .badge.category").all_text_contents():
        assert badge == "Routines"
    assert_accessible(tablet, "teacher-history-filtered")


def test_journey_is_a_timeline_of_steps(demo, tablet):
    sign_in(tablet, "teacher@example.org")
    tablet.get_by_role("link", name="Journey").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("How my steps built up")
    expect(tablet.locator(".timeline-step")).to_have_count(2)
    assert_accessible(tablet, "teacher-journey-portrait")


@pytest.mark.parametrize("path", ["/teacher", "/teacher/history", "/teacher/journey"])
def test_pages_are_accessible_in_landscape(demo, tablet_landscape, path):
    sign_in(tablet_landscape, "teacher@example.org")
    tablet_landscape.goto(path)
    assert_accessible(tablet_landscape, "teacher-landscape" + path.replace("/", "-"))
