"""A half-written drop-in survives the tab closing (Android closes it to open the camera):
the capture page carries on with it, photos apart, until it is saved, dropped with "Start
again", or its coach signs out."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.browser.capture.conftest import (
    assert_arrived,
    demo_visit_ids,
    fill_capture,
    open_capture_page,
    photo_bytes,
    sha256,
    wait_for_empty_outbox,
)
from tests.browser.conftest import assert_accessible

NOTES = "Hinge question on fractions; three pupils unsure, re-taught at the board."
STEP = "Check every board before moving on"


def drafts(page) -> list[str]:
    return page.evaluate(
        "Object.keys(localStorage).filter((key) => key.startsWith('dropin-draft-'))"
    )


def draft_kept(page, timeout: float = 15.0):
    """The draft is written a moment after each input: wait until one is kept and no
    later input is still to be written (the same draft twice, half a second apart)."""
    read = "Object.entries(localStorage).filter(([key]) => key.startsWith('dropin-draft-'))"
    deadline = time.monotonic() + timeout
    before = None
    while time.monotonic() < deadline:
        now = page.evaluate(f"JSON.stringify({read})")
        if now == before and now != "[]":
            return
        before = now
        time.sleep(0.5)
    raise AssertionError(f"no settled draft was kept: {before}")


def reopened(page):
    """The tab is gone (no unload question), and the coach opens the capture page again."""
    context = page.context
    page.close()
    page = context.new_page()
    open_capture_page(page)
    return page


def test_a_drop_in_being_written_is_carried_on_after_the_tab_closes(coach):
    before = demo_visit_ids()
    fill_capture(coach, teacher="Amara Okafor", photos=[photo_bytes(41)], notes=NOTES, step=STEP)
    coach.get_by_role("button", name="Keep practising").click()  # and back: a click is kept
    coach.get_by_role("button", name="Keep practising").click()
    expect(coach.get_by_label("Action step")).to_have_value(STEP)
    draft_kept(coach)
    assert len(drafts(coach)) == 1

    coach = reopened(coach)
    note = coach.locator("[data-draft-note]")
    expect(note).to_contain_text(
        re.compile(
            r"Carried on from the drop-in you were writing with Amara Okafor, started at "
            r"\d\d:\d\d\. Its photo was not kept: add it again\."
        )
    )
    expect(coach.get_by_label("Teacher")).to_have_value(re.compile(r"\d+"))
    expect(coach.get_by_label("Notes")).to_have_value(NOTES)
    expect(coach.get_by_label("Action step")).to_have_value(STEP)
    expect(coach.get_by_label("Class")).to_have_value("Year 4")
    expect(coach.locator("[data-timer-clock]")).not_to_have_text("0:00")  # still running
    assert_accessible(coach, "capture-draft-carried-on-phone")

    photo = photo_bytes(42)
    coach.get_by_label("Photos").set_input_files(
        [{"name": "again.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    coach.get_by_role("button", name="Save").click()
    expect(coach.get_by_text("Saved on this phone: drop-in with Amara Okafor")).to_be_visible()
    wait_for_empty_outbox(coach)
    [visit] = assert_arrived(before, visits=1, photos=1, hashes=[sha256(photo)])
    assert (visit.notes, visit.action_step.text) == (NOTES, STEP)
    assert drafts(coach) == []

    expect(coach.locator("[data-draft-note]")).to_be_hidden()  # it is saved: no more
    coach = reopened(coach)  # nothing to carry on
    expect(coach.locator("[data-draft-note]")).to_be_hidden()
    expect(coach.get_by_label("Notes")).to_have_value("")


def test_a_draft_begun_from_a_teachers_card_is_carried_on_there_too(coach):
    """Android reopens the tab at the URL it had: /visits/new?teacher=<id>."""
    coach.goto("/visits")
    coach.get_by_role("link", name="New drop-in with Amara Okafor").click()
    expect(coach.get_by_label("Teacher")).to_have_value(re.compile(r"\d+"))
    coach.get_by_label("Notes").fill(NOTES)
    draft_kept(coach)
    url = coach.url
    context = coach.context
    coach.close()
    coach = context.new_page()
    coach.goto(url)
    expect(coach.get_by_label("Notes")).to_have_value(NOTES)
    expect(coach.locator("[data-draft-note]")).to_contain_text("with Amara Okafor")


def test_a_draft_carried_on_hours_later_lasts_until_its_last_input(coach):
    """The tab closed mid-lesson and the coach came back after lunch: the drop-in's length
    is from its start to its last input, not to the moment it is saved."""
    before = demo_visit_ids()
    tom = coach.evaluate(
        "JSON.parse(document.getElementById('capture-data').textContent).teachers"
        ".find((t) => t.name === 'Tom Baker').id"
    )
    coach.evaluate(
        """([tom, notes]) => {
            const now = Date.now();  // one clock reading: exactly 12 minutes apart
            const minutesAgo = (minutes) => new Date(now - minutes * 60000).toISOString();
            const user = document.querySelector('meta[name="dropin-user"]').content;
            localStorage.setItem("dropin-draft-" + user, JSON.stringify({
                visitId: crypto.randomUUID(), startedAt: minutesAgo(130), endedAt: null,
                teacherId: tom, fields: { class_name: "Year 4", subject: "Maths", notes: notes },
                step: "Narrate the positive", libraryStepId: null, verdict: null,
                plan: { rehearse: "", success: "" }, photos: 0, savedAt: minutesAgo(118) }));
            localStorage.setItem("dropin-draft-999999", "{}");  // someone else's, left behind
        }""",
        [tom, NOTES],
    )
    coach = reopened(coach)
    expect(coach.get_by_label("Notes")).to_have_value(NOTES)
    assert len(drafts(coach)) == 1 and "dropin-draft-999999" not in drafts(coach)
    expect(coach.locator("[data-timer-clock]")).to_have_text("12:00")
    coach.get_by_role("button", name="Keep practising").click()
    coach.get_by_role("button", name="Save").click()
    wait_for_empty_outbox(coach)
    [visit] = assert_arrived(before, visits=1, photos=0)
    assert visit.duration_minutes == 12 and visit.notes == NOTES


def test_start_again_drops_the_draft(coach):
    fill_capture(coach, notes=NOTES)
    draft_kept(coach)
    coach = reopened(coach)
    expect(coach.get_by_label("Notes")).to_have_value(NOTES)
    coach.get_by_role("button", name="Start again").click()
    expect(coach.get_by_label("Notes")).to_have_value("")
    expect(coach.locator("[data-draft-note]")).to_be_hidden()
    assert drafts(coach) == []


def test_signing_out_forgets_the_draft(coach):
    fill_capture(coach, notes=NOTES)
    draft_kept(coach)
    assert len(drafts(coach)) == 1
    coach.goto("/visits")  # (goto asks no leave question)
    coach.get_by_role("button", name="Sign out").click()
    expect(coach.get_by_role("heading", name="Sign in")).to_be_visible()
    assert drafts(coach) == []
