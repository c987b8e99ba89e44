"""Issue 17 in the browser, at each audience's device size, every new page checked with
axe-core: the admin sets a cycle; a lead reads coverage by cycle and downloads the
cycle's CSV; a teacher's journey is grouped by cycle on a tablet; a triad member writes
a GROW write-up on a tablet and another member reads it; leads and admins never can."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import expect

from app.cycles.models import CoachingCycle, GrowWriteUp
from app.demo import TRIAD_KEY
from app.extensions import db
from app.localtime import local_today
from tests.browser.conftest import TABLET, _page, assert_accessible, sign_in

HEADER = (
    "visit_id,date,week,school,coach,coach_email,teacher,teacher_email,class,subject,"
    "started_at,duration_minutes,notes,action_step,action_step_category,"
    "action_step_status,acknowledged_at,photos"
)


def london_today() -> date:
    return local_today("Europe/London")


def demo_cycle(name: str, slug: str = "riverside") -> CoachingCycle:
    return db.session.scalar(
        sa.select(CoachingCycle)
        .join(CoachingCycle.school)
        .where(CoachingCycle.name == name, CoachingCycle.school.has(slug=slug))
    )


def test_admin_sets_a_cycle_and_is_told_about_an_overlap(demo, laptop):
    current = demo_cycle("Coaching cycle 2")
    sign_in(laptop, "admin@example.org")
    laptop.get_by_role("link", name="Riverside Primary").first.click()
    laptop.get_by_role("link", name="Coaching cycles").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text(
        "Coaching cycles at Riverside Primary"
    )
    assert_accessible(laptop, "cycles-admin-laptop")
    laptop.get_by_label("Cycle name").fill("Coaching cycle 3")
    laptop.get_by_label("First day").fill(current.ends_on.isoformat())
    laptop.get_by_label("Last day").fill((current.ends_on + timedelta(days=41)).isoformat())
    laptop.get_by_role("button", name="Add cycle").click()
    first_day = laptop.get_by_label("First day")
    expect(first_day).to_have_attribute("aria-invalid", "true")
    expect(laptop.locator("#cycle-starts_on-error")).to_contain_text(
        "These dates overlap “Coaching cycle 2”"
    )
    assert_accessible(laptop, "cycles-admin-overlap-laptop")
    first_day.fill((current.ends_on + timedelta(days=1)).isoformat())
    laptop.get_by_role("button", name="Add cycle").click()
    expect(laptop.locator("p.success")).to_contain_text("Added the cycle “Coaching cycle 3”")
    expect(laptop.locator("table.cycles tbody tr")).to_have_count(3)
    db.session.expire_all()
    added = demo_cycle("Coaching cycle 3")
    assert added.starts_on == current.ends_on + timedelta(days=1)
    laptop.get_by_role("link", name="Coaching cycle 3 (change)").click()
    laptop.get_by_label("Cycle name").fill("Spring cycle 1")
    laptop.get_by_role("button", name="Save cycle").click()
    expect(laptop.locator("p.success")).to_contain_text("name “Coaching cycle 3” to “Spring")
    assert_accessible(laptop, "cycles-admin-edit-laptop")


def test_lead_filters_coverage_by_cycle_and_downloads_its_csv(demo, laptop):
    cycle = demo_cycle("Coaching cycle 2")
    sign_in(laptop, "lead@example.org")
    choice = laptop.get_by_label("Cycle", exact=True)
    # Grouped by school: the trust lead's two schools have cycles of the same dates.
    riverside = choice.locator('optgroup[label="Riverside Primary"] option')
    expect(riverside).to_have_text([f"Coaching cycle 2, {cycle.dates}", re.compile("cycle 1")])
    expect(choice.locator("optgroup")).to_have_count(2)
    assert riverside.first.get_attribute("value") == str(cycle.id)
    choice.select_option(value=str(cycle.id))
    laptop.get_by_role("button", name="Show cycle").click()
    expect(laptop.locator(".cycle-note")).to_contain_text("Showing Coaching cycle 2")
    # The demo's cycle began three Mondays before this week's and is not over.
    so_far = "The cycle's first 4 weeks so far, Monday to Sunday."
    expect(laptop.get_by_text(so_far)).to_be_visible()
    expect(laptop.get_by_role("link", name="Visits in cycle")).to_be_visible()
    # Only Riverside's teachers: the cycle is Riverside's.
    expect(laptop.locator("table.coverage tbody tr")).to_have_count(5)
    expect(laptop.locator("table.coverage")).not_to_contain_text("Leo Novak")
    assert_accessible(laptop, "cycles-coverage-laptop")
    with laptop.expect_download() as info:
        laptop.get_by_role("link", name=re.compile("^Download this cycle's CSV")).click()
    download = info.value
    assert download.suggested_filename == (
        f"dropin-visits-cycle-{cycle.id}_{cycle.starts_on}_{cycle.ends_on}-riverside.csv"
    )
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1:]
    assert rows, "the demo has drop-ins in its current cycle"
    assert {row[3] for row in rows} == {"Riverside Primary"}
    assert all(cycle.starts_on.isoformat() <= row[1] <= cycle.ends_on.isoformat() for row in rows)
    laptop.goto("/exports")
    expect(laptop.get_by_role("heading", name="A coaching cycle")).to_be_visible()
    assert_accessible(laptop, "cycles-exports-laptop")


def test_teachers_journey_is_grouped_by_cycle_on_a_tablet(demo, tablet):
    sign_in(tablet, "teacher@example.org")
    tablet.get_by_role("link", name="Journey").click()
    headings = tablet.get_by_role("heading", level=2)
    expect(headings.nth(0)).to_contain_text("Coaching cycle 2")
    expect(headings.nth(1)).to_contain_text("Coaching cycle 1")
    current = tablet.locator("section.journey-term").first
    expect(current.locator(".timeline-text")).to_have_text(
        "Ask the question, pause three seconds, then name who answers"
    )
    assert_accessible(tablet, "cycles-journey-tablet")


def test_a_triad_member_writes_up_a_meeting_and_another_reads_it(demo, tablet, browser, base_url):
    sign_in(tablet, "nia.roberts@example.org")
    tablet.get_by_role("link", name="My triad").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("My peer triad")
    assert_accessible(tablet, "triads-index-tablet")
    tablet.get_by_role("link", name=re.compile("^Write-ups")).click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Triad write-ups")
    assert_accessible(tablet, "triads-triad-tablet")
    tablet.get_by_role("link", name="Write up a meeting").click()
    tablet.get_by_role("button", name="Save write-up").click()
    expect(tablet.locator("#grow-goal-error")).to_have_text("Write the goal.")
    assert_accessible(tablet, "triads-new-errors-tablet")
    tablet.get_by_label("Date of the meeting").fill(
        (london_today() - timedelta(days=1)).isoformat()
    )
    tablet.get_by_label("Goal").fill("Pupils explain their reasoning in full sentences")
    tablet.get_by_label("Reality").fill("Owen's Year 6 answer in single words")
    tablet.get_by_label("Options").fill("Sentence stems on the board; 'say it again, better'")
    tablet.get_by_label("Way forward").fill("Each of us uses stems for a fortnight")
    tablet.get_by_role("button", name="Save write-up").click()
    expect(tablet.get_by_role("status").filter(has_text="Write-up saved")).to_be_visible()
    expect(tablet.locator(".grow")).to_contain_text("Sentence stems on the board")
    assert_accessible(tablet, "triads-write-up-tablet")
    written = db.session.scalar(
        sa.select(GrowWriteUp).where(GrowWriteUp.goal.startswith("Pupils explain"))
    )
    assert written is not None and written.triad_key == TRIAD_KEY

    context, other = _page(browser, base_url, TABLET)
    try:
        sign_in(other, "zara.ali@example.org")
        other.goto(f"/triads/{TRIAD_KEY}")
        latest = other.locator("article.grow-write-up").first
        expect(latest).to_contain_text("Pupils explain their reasoning in full sentences")
        expect(latest).to_contain_text("Written up by Nia Roberts")
        expect(other.locator("article.grow-write-up")).to_have_count(2)  # and the demo's
    finally:
        context.close()


def test_leads_and_admins_never_reach_a_write_up(demo, laptop):
    written = db.session.scalar(sa.select(GrowWriteUp).where(GrowWriteUp.triad_key == TRIAD_KEY))
    urls = [
        f"/triads/{TRIAD_KEY}",
        f"/triads/{TRIAD_KEY}/write-ups",
        f"/triads/{TRIAD_KEY}/write-ups/{written.id}",
    ]
    for email in ("lead@example.org", "head.riverside@example.org", "admin@example.org"):
        sign_in(laptop, email)
        for url in urls:
            assert laptop.goto(url).status == 404, (email, url)
        laptop.goto("/triads")
        expect(laptop.locator("main")).not_to_contain_text(written.goal)
        laptop.context.clear_cookies()
