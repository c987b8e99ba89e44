"""Coverage on a laptop and a tablet: "No coach" apart from "Drop-in due", each school's
share of teachers with a coach, every column sorts (with and without JavaScript), and the
trends mark this week as "so far". axe-core on every state."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import LAPTOP, TABLET, assert_accessible, sign_in

COLUMNS = [
    "Teacher",
    "School",
    "Coach",
    "Last visit",
    "Days since",
    "Visits, last 6 weeks",
    "Current action step",
]


def table_teachers(page) -> list[str]:
    return page.locator("table.coverage tbody th").all_inner_texts()


def days_column(page) -> list[str]:
    return page.locator("table.coverage tbody td:nth-child(5)").all_inner_texts()


def test_no_coach_and_the_share_with_a_coach(demo, laptop):
    sign_in(laptop, "lead@example.org")
    shares = laptop.locator(".coached-shares")
    expect(shares).to_contain_text("Hillcrest Academy: 3 of 4 teachers have a current coach (75%)")
    expect(shares).to_contain_text("Riverside Primary: 5 of 5 teachers have a current coach")
    marek = laptop.locator("table.coverage tbody tr", has_text="Marek Zieliński")
    expect(marek.locator(".badge.no-coach")).to_have_text("No coach")
    expect(marek.locator(".badge.due")).to_have_count(0)

    shares.get_by_role("link", name="1 with no coach at Hillcrest Academy").click()
    expect(laptop).to_have_url(re.compile(r"show=no-coach"))
    assert table_teachers(laptop) == ["Marek Zieliński"]
    expect(laptop.get_by_label("Show")).to_have_value("no-coach")
    assert_accessible(laptop, "leads-coverage-no-coach-laptop")


def test_every_column_sorts_through_htmx(demo, laptop):
    sign_in(laptop, "lead@example.org")
    laptop.evaluate("window.stillTheSamePage = true")
    headings = laptop.locator("table.coverage thead th")
    expect(headings).to_have_count(len(COLUMNS))
    for column in COLUMNS:
        laptop.get_by_role("link", name=column, exact=True).click()
        expect(laptop.locator("th[aria-sort=ascending]")).to_contain_text(column)
        expect(laptop.locator("th[aria-sort]")).to_have_count(1)
    laptop.get_by_role("link", name="Days since", exact=True).click()
    expect(laptop.locator("th[aria-sort=ascending]")).to_contain_text("Days since")
    ascending = days_column(laptop)
    laptop.get_by_role("link", name="Days since", exact=True).click()
    expect(laptop.locator("th[aria-sort=descending]")).to_contain_text("Days since")
    descending = days_column(laptop)
    numbers = [int(day) for day in ascending if day != "–"]
    assert numbers == sorted(numbers) and ascending[-1] == "–"  # never visited: last
    assert descending == list(reversed(ascending))
    assert laptop.evaluate("window.stillTheSamePage") is True
    assert_accessible(laptop, "leads-coverage-sorted-days-laptop")


def test_sort_links_work_without_javascript(demo, browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False, **LAPTOP)
    page = context.new_page()
    sign_in(page, "lead@example.org")
    page.get_by_role("link", name="Days since", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=days"))
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Days since")
    page.get_by_role("link", name="Days since", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=days&dir=desc"))
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Days since")
    page.get_by_label("Show").select_option("due")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"show=due"))
    expect(page.locator("table.coverage tbody tr:not(.is-due)")).to_have_count(0)
    context.close()


def test_trends_mark_this_week_so_far(demo, laptop):
    sign_in(laptop, "lead@example.org")
    chart = laptop.get_by_role("img", name="Hillcrest Academy: visits per week")
    expect(chart.locator("rect.bar.so-far")).to_have_count(1)
    expect(chart.locator("text.axis-label")).to_have_text(["Visits", "Week starting (Monday)"])
    within = laptop.get_by_role(
        "img", name="Hillcrest Academy: teachers seen within cadence, per week"
    )
    expect(within.locator("rect.bar")).to_have_count(12)
    laptop.get_by_text("Teachers seen within cadence as a table").click()
    header = laptop.locator("table.share-table thead th").last
    expect(header).to_contain_text("(this week, so far)")
    assert_accessible(laptop, "leads-trends-weekly-share-laptop")


def test_coverage_on_a_tablet(demo, browser, base_url):
    context = browser.new_context(base_url=base_url, **TABLET)
    page = context.new_page()
    sign_in(page, "lead@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage")
    assert_accessible(page, "leads-coverage-tablet")
    page.get_by_role("link", name="Coach", exact=True).click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Coach")
    # No coach sorts last: a gap, not a coach's name.
    expect(page.locator("table.coverage tbody tr").last).to_contain_text("No coach")
    page.get_by_text("Visits per week as a table").click()
    assert_accessible(page, "leads-coverage-sorted-tablet")
    context.close()
