"""Deliberate practice (issue 17) as people do it: the coach adjusts a library step's
practice plan on the phone while capturing offline, and it syncs; the teacher logs
practice on the tablet (online, and offline through the outbox), the coach on the
phone; both sides show the log. axe-core on each changed page."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import ActionStep, LibraryStep, User
from app.steps.models import PracticeEntry
from tests.browser.capture.conftest import (
    Stored,
    demo_visit_ids,
    fill_capture,
    outbox_items,
    poll,
    wait_for_empty_outbox,
)
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.teacher.conftest import wait_until_kept_for_offline

LIBRARY_TITLE = "Ask the question, pause three seconds, then name who answers"
ADJUSTED = "Rehearse with me on Tuesday: three Year 4 questions, counting the pause."


def practice_on_server() -> list[PracticeEntry]:
    db.session.rollback()
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PracticeEntry).order_by(PracticeEntry.created_at)))


def test_the_coach_adjusts_a_library_plan_offline_and_it_syncs(coach):
    phone = coach
    before = demo_visit_ids()
    library_step = db.session.scalar(sa.select(LibraryStep).filter_by(title=LIBRARY_TITLE))
    phone.context.set_offline(True)
    fill_capture(phone, teacher="Amara Okafor", step="")
    phone.get_by_text("Library of steps").click()
    phone.locator("button[data-library-step]").filter(has_text=LIBRARY_TITLE).click()
    rehearse = phone.get_by_label("What to rehearse, and how")
    expect(rehearse).to_be_visible()  # the plan opens, filled from the library
    expect(rehearse).to_have_value(library_step.practice_rehearse)
    expect(phone.get_by_label("What success looks like")).to_have_value(
        library_step.practice_success
    )
    rehearse.fill(ADJUSTED)
    assert_accessible(phone, "practice-capture-plan")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Saved on this phone")).to_be_visible()
    [item] = phone.evaluate(
        "Dropin.outbox.list().then((items) => items.map((i) => i.payload.action_step))"
    )
    assert item["practice_plan"]["rehearse"] == ADJUSTED
    assert Stored().new_visits(before) == []

    phone.context.set_offline(False)
    wait_for_empty_outbox(phone)
    [visit] = Stored().new_visits(before)
    step = db.session.get(ActionStep, visit.action_step_id)
    assert step.library_step_id == library_step.id
    assert (step.practice_rehearse, step.practice_success) == (
        ADJUSTED,
        library_step.practice_success,
    )


def log_practice(page, how: str, note: str):
    page.get_by_label(how).check()
    page.get_by_label("One line (optional)").fill(note)
    page.get_by_role("button", name="Log practice").click()
    expect(page.locator(".practice-entry").first).to_contain_text(note)


def test_practice_logged_on_the_tablet_and_the_phone_shows_on_both(demo, tablet, phone):
    sign_in(tablet, "teacher@example.org")
    log_section = tablet.get_by_role("region", name="Practice log")
    expect(log_section).to_contain_text("Rehearsed with my coach after school.")  # the demo's
    expect(tablet.get_by_text("Practice plan")).to_be_visible()
    wait_until_kept_for_offline(tablet)

    # Online: through the outbox and straight on to the server.
    log_practice(tablet, "Tried it in class", "Tried it in period 3 with Year 4.")
    wait_for_empty_outbox(tablet)
    expect(tablet.locator(".practice-entry").first).to_contain_text("sent")
    expect(tablet.locator("[data-practice-status]")).to_have_text("Sent.")
    assert [e.note for e in practice_on_server()][-1] == "Tried it in period 3 with Year 4."

    # Offline: kept on the tablet, shown as waiting, sent once when back online.
    tablet.context.set_offline(True)
    log_practice(tablet, "Rehearsed it", "Rehearsed the pause in the mirror.")
    expect(
        tablet.get_by_text("Saved on this device: it is sent when you are back online.")
    ).to_be_visible()
    assert [item["kind"] for item in outbox_items(tablet)] == ["practice"]
    tablet.reload()
    expect(tablet.locator("[data-waiting-practice]")).to_contain_text("waiting to sync")
    assert "Rehearsed the pause in the mirror." not in [e.note for e in practice_on_server()]
    assert_accessible(tablet, "practice-teacher-tablet-offline")
    tablet.context.set_offline(False)
    wait_for_empty_outbox(tablet)
    notes = [e.note for e in practice_on_server()]
    assert notes.count("Rehearsed the pause in the mirror.") == 1
    assert len(notes) == 4

    # The coach's record on the phone shows the teacher's log; the coach adds to it.
    sign_in(phone, "coach@example.org")
    teacher = db.session.scalar(sa.select(User).filter_by(email="teacher@example.org"))
    phone.goto(f"/coaching/teachers/{teacher.id}")
    coach_log = phone.get_by_role("region", name="Practice log")
    expect(coach_log).to_contain_text("Rehearsed the pause in the mirror.")
    expect(coach_log).to_contain_text("Tried it in period 3 with Year 4.")
    log_practice(phone, "Rehearsed it together", "Rehearsed it with Tom after school.")
    wait_for_empty_outbox(phone)
    assert_accessible(phone, "practice-coach-record")
    entry = practice_on_server()[-1]
    assert (entry.note, entry.kind, entry.author.email) == (
        "Rehearsed it with Tom after school.",
        "rehearsal",
        "coach@example.org",
    )

    tablet.reload()
    expect(tablet.get_by_role("region", name="Practice log")).to_contain_text(
        "Rehearsed it with Tom after school."
    )
    assert_accessible(tablet, "practice-teacher-tablet")


def test_a_lead_sees_the_plan_on_the_visit_page_but_not_the_log(demo, laptop):
    teacher = db.session.scalar(sa.select(User).filter_by(email="teacher@example.org"))
    step = db.session.scalar(
        sa.select(ActionStep).where(
            ActionStep.teacher_id == teacher.id, ActionStep.is_live_clause()
        )
    )
    sign_in(laptop, "lead@example.org")
    laptop.goto(f"/visits/{step.visits[-1].id}")
    action_step = laptop.locator("#action-step")
    expect(action_step).to_contain_text("Practice plan")
    expect(action_step).to_contain_text(step.practice_success)
    expect(laptop.get_by_text("Practice log")).to_have_count(0)
    expect(laptop.get_by_text("Rehearsed with my coach after school.")).to_have_count(0)
    assert_accessible(laptop, "practice-lead-visit-page")


def test_fixing_a_refused_capture_keeps_and_changes_its_plan(coach, live_server):
    phone = coach
    before = demo_visit_ids()
    refusal = b'{"error": "Refused for the test.", "errors": {"notes": ["Refused."]}}'
    live_server.faults.rule = lambda environ: (
        ("422 UNPROCESSABLE ENTITY", refusal, "application/json")
        if environ["REQUEST_METHOD"] == "PUT"
        else None
    )
    fill_capture(phone, teacher="Dan Lewis", step="")
    phone.get_by_text("Library of steps").click()
    phone.locator("button[data-library-step]").filter(has_text=LIBRARY_TITLE).click()
    phone.get_by_label("What to rehearse, and how").fill(ADJUSTED)
    phone.get_by_role("button", name="Save").click()
    poll(phone, "Dropin.outbox.list().then((items) => items[0].state === 'needs-attention')")

    live_server.faults.rule = None
    phone.goto("/outbox")
    phone.get_by_role("link", name=re.compile(r"^Fix")).click()
    expect(phone.get_by_role("heading", name="Fix this drop-in")).to_be_visible()
    rehearse = phone.get_by_label("What to rehearse, and how")
    expect(rehearse).to_have_value(ADJUSTED)
    rehearse.fill("Rehearse it twice with me on Wednesday.")
    phone.get_by_role("button", name="Save").click()
    expect(phone).to_have_url(re.compile(r"/outbox$"))
    wait_for_empty_outbox(phone)
    [visit] = Stored().new_visits(before)
    step = db.session.get(ActionStep, visit.action_step_id)
    assert step.practice_rehearse == "Rehearse it twice with me on Wednesday."
