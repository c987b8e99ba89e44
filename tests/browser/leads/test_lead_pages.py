"""A lead on a laptop: downloads the weekly and date-range CSV, filters and sorts coverage
through htmx without reloading the page. Every page state is checked with axe-core."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from app.localtime import iso_week_label
from tests.browser.conftest import assert_accessible, sign_in

HEADER = (
    "visit_id,date,week,school,coach,coach_email,teacher,teacher_email,class,subject,"
    "started_at,duration_minutes,notes,action_step,action_step_category,"
    "action_step_status,acknowledged_at,photos"
)


def rows_of(download) -> list[list[str]]:
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1:]


def test_lead_downloads_last_weeks_csv(demo, laptop):
    sign_in(laptop, "lead@example.org")
    laptop.get_by_role("link", name="Export").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Export visits")
    last_week = iso_week_label(datetime.now(ZoneInfo("Europe/London")).date() - timedelta(days=7))
    expect(laptop.get_by_label("Week", exact=True)).to_have_value(last_week)
    assert_accessible(laptop, "leads-export-laptop")
    with laptop.expect_download() as info:
        laptop.get_by_role("button", name="Download week CSV").click()
    download = info.value
    assert download.suggested_filename == f"dropin-visits-{last_week}.csv"
    rows = rows_of(download)
    assert rows, "the demo has visits every week"
    assert {row[2] for row in rows} == {last_week}
    assert {row[3] for row in rows} <= {"Riverside Primary", "Hillcrest Academy"}


def test_lead_downloads_a_date_range_for_one_school(demo, laptop):
    sign_in(laptop, "lead@example.org")
    laptop.goto("/exports")
    today = datetime.now(ZoneInfo("Europe/London")).date()
    form = laptop.locator("form", has=laptop.get_by_role("heading", name="A date range"))
    form.get_by_label("First day").fill((today - timedelta(days=60)).isoformat())
    form.get_by_label("Last day").fill(today.isoformat())
    form.get_by_label("School").select_option(label="Hillcrest Academy")
    with laptop.expect_download() as info:
        form.get_by_role("button", name="Download range CSV").click()
    rows = rows_of(info.value)
    assert len(rows) == 12  # the demo's three coached teachers there, four visits each
    assert {row[3] for row in rows} == {"Hillcrest Academy"}
    starts = [row[10] for row in rows]
    assert starts == sorted(starts)


def test_a_backwards_date_range_is_explained_at_the_field(demo, laptop):
    sign_in(laptop, "lead@example.org")
    laptop.goto("/exports")
    form = laptop.locator("form", has=laptop.get_by_role("heading", name="A date range"))
    form.get_by_label("First day").fill("2026-03-31")
    form.get_by_label("Last day").fill("2026-03-01")
    form.get_by_role("button", name="Download range CSV").click()
    field = laptop.get_by_label("Last day")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(laptop.locator("#range-to-error")).to_have_text(
        "The last day must be on or after the first day."
    )
    assert_accessible(laptop, "leads-export-error-laptop")


def table_teachers(page) -> list[str]:
    return page.locator("table.coverage tbody th").all_inner_texts()


def test_lead_filters_and_sorts_coverage_without_reloading(demo, laptop):
    sign_in(laptop, "lead@example.org")
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Coverage")
    assert_accessible(laptop, "leads-coverage-laptop")
    laptop.evaluate("window.stillTheSamePage = true")

    laptop.get_by_label("Show").select_option(label="Only drop-ins due")
    expect(laptop).to_have_url(re.compile(r"show=due"))
    expect(laptop.locator("table.coverage tbody tr:not(.is-due)")).to_have_count(0)
    overdue = table_teachers(laptop)
    assert "Dan Lewis" in overdue and "Hannah Price" in overdue
    expect(laptop.locator("table.coverage .badge.due")).to_have_count(len(overdue))

    laptop.get_by_label("School", exact=True).select_option(label="Hillcrest Academy (weekly)")
    expect(laptop).to_have_url(re.compile(r"school=hillcrest"))
    expect(laptop.locator("table.coverage tbody td:nth-child(2)").first).to_have_text(
        "Hillcrest Academy"
    )
    assert "Dan Lewis" not in table_teachers(laptop)

    laptop.get_by_label("Show").select_option(label="All teachers")
    expect(laptop.locator("table.coverage tbody tr")).to_have_count(4)  # Hillcrest's teachers
    laptop.get_by_role("link", name="Teacher").click()
    expect(laptop.locator("th[aria-sort=ascending]")).to_contain_text("Teacher")
    names = table_teachers(laptop)
    assert names == sorted(names) and len(names) == 4
    laptop.get_by_role("link", name="Teacher").click()
    expect(laptop.locator("th[aria-sort=descending]")).to_contain_text("Teacher")
    assert table_teachers(laptop) == sorted(names, reverse=True)

    assert laptop.evaluate("window.stillTheSamePage") is True
    assert_accessible(laptop, "leads-coverage-filtered-laptop")


def test_coverage_trends_have_accessible_charts_and_numbers(demo, laptop):
    sign_in(laptop, "lead@example.org")
    chart = laptop.get_by_role("img", name="Riverside Primary: visits per week")
    expect(chart).to_be_visible()
    laptop.get_by_text("Visits per week as a table").click()
    table = laptop.locator("table.trend-table")
    expect(table.get_by_role("rowheader", name="Riverside Primary")).to_be_visible()
    expect(
        laptop.get_by_role("img", name="Riverside Primary: teachers seen within cadence, per week")
    ).to_be_visible()
    assert_accessible(laptop, "leads-trends-laptop")


def test_lead_downloads_this_week_so_far(demo, laptop):
    sign_in(laptop, "lead@example.org")
    laptop.goto("/exports")
    form = laptop.locator("form", has=laptop.get_by_role("heading", name="This week so far"))
    assert_accessible(laptop, "leads-export-this-week-laptop")
    form.get_by_label("School").select_option(label="Riverside Primary")
    with laptop.expect_download() as info:
        form.get_by_role("button", name="Download this week so far").click()
    this_week = iso_week_label(datetime.now(ZoneInfo("Europe/London")).date())
    assert info.value.suggested_filename == f"dropin-visits-{this_week}-riverside.csv"
    rows = rows_of(info.value)
    assert {row[2] for row in rows} <= {this_week}
    assert {row[3] for row in rows} <= {"Riverside Primary"}


def test_coverage_fits_a_tablet_and_scrolls_only_its_table_on_a_phone(demo, tablet, phone):
    """On a tablet every column, the current step included, is on screen; on a phone the
    table scrolls in its own box and the page itself is never wider than the screen."""
    sign_in(tablet, "lead@example.org")
    wrap = "document.querySelector('.table-wrap')"
    assert tablet.evaluate(f"{wrap}.scrollWidth <= {wrap}.clientWidth")
    step_heading = tablet.get_by_role("columnheader", name="Current action step")
    assert step_heading.bounding_box()["x"] + step_heading.bounding_box()["width"] <= 820
    expect(tablet.locator("table.coverage .badge.due").first).to_be_visible()
    assert_accessible(tablet, "leads-coverage-tablet")

    sign_in(phone, "lead@example.org")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Coverage")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate(f"{wrap}.scrollWidth > {wrap}.clientWidth")
