"""Coverage tells "no coach" apart from "drop-in due", shows each school's share of teachers
with a coach, sorts by every column (server-side links that work without JavaScript), and
its trends give "seen within cadence" week by week with this week marked "so far"."""

# ruff: noqa: F811  (test parameters name the imported fixtures, as pytest wants)

from __future__ import annotations

import re

import pytest

from app.leads.coverage import coverage_rows
from app.leads.trends import trends_for
from tests.test_coverage import NOW, live_schools, schools, teacher_names  # noqa: F401


def row_of(html: str, name: str) -> str:
    return html.split(f'<th scope="row">{name}</th>')[1].split("</tr>")[0]


def test_seen_within_cadence_is_a_weekly_series_ending_with_todays_coverage(schools):
    both = [schools["fortnightly"], schools["weekly"]]
    rows = coverage_rows(both, NOW)
    fortnightly, weekly = trends_for(both, rows, NOW).shares
    # Fortnightly (14 days): Flo on 26 April and 13 June, Finn 31 May, Faye 1 June.
    assert [week.within for week in fortnightly.weeks] == [0, 0, 0, 1, 1, 1, 0, 0, 1, 2, 3, 2]
    assert {week.teachers for week in fortnightly.weeks} == {3}
    # Weekly (7 days): Will on 7 June, Wendy and Wren on 8 June (London); Wyn never.
    assert [week.within for week in weekly.weeks] == [0] * 9 + [1, 3, 2]
    assert [week.percent for week in weekly.weeks][-3:] == [25, 75, 50]
    # This week's figure is today's coverage: those not past their cadence.
    for school_shares in (fortnightly, weekly):
        school_rows = [row for row in rows if row.school.id == school_shares.school.id]
        assert school_shares.latest.within == sum(1 for r in school_rows if not r.past_cadence)
    assert [bar.so_far for bar in weekly.bars] == [False] * 11 + [True]
    assert weekly.bars[-2].height == 70.5  # 75% of the 94-unit drawing height


def test_no_coach_is_not_a_drop_in_due(live_schools, client, auth):
    auth.login("lead@cadence.test")
    html = client.get("/coverage?sort=teacher").get_data(as_text=True)
    wyn = row_of(html, "Wyn")
    assert '<span class="badge no-coach">No coach</span>' in wyn
    assert "Drop-in due" not in wyn and "Visited within" not in wyn
    assert "Drop-in due" in row_of(html, "Will")
    assert "4 teachers: 1 due a drop-in, 1 with no coach." in html


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("show=no-coach", ["Wyn"]),
        ("show=due", ["Will"]),
        ("overdue=1", ["Will"]),  # links from before "show"
        ("show=nonsense", ["Wendy", "Will", "Wren", "Wyn"]),
    ],
)
def test_show_filter(live_schools, client, auth, query, names):
    auth.login("lead@cadence.test")
    response = client.get(f"/coverage?sort=teacher&{query}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert teacher_names(response.get_data(as_text=True)) == names


def test_each_school_shows_its_share_of_teachers_with_a_coach(live_schools, client, auth):
    auth.login("trust@cadence.test")
    html = client.get("/coverage").get_data(as_text=True)
    section = html.split('id="coached-heading"')[1].split("</section>")[0]
    assert "<strong>Weekly High</strong>: 3 of 4 teachers have a current coach (75%)." in section
    assert "<strong>Fortnightly Primary</strong>: 3 of 3 teachers have a current coach" in section
    assert "Every teacher has a coach." in section
    link = re.search(r'<a href="([^"]+)">1 with no coach', section).group(1)
    assert link.replace("&amp;", "&") == "/coverage?school=weekly-high&show=no-coach"
    assert teacher_names(client.get(link.replace("&amp;", "&")).get_data(as_text=True)) == ["Wyn"]


SORTABLE = ["teacher", "school", "coach", "last_visit", "days", "visits", "step_status"]


def test_every_column_heading_is_a_sort_link(live_schools, client, auth):
    auth.login("trust@cadence.test")
    html = client.get("/coverage").get_data(as_text=True)
    head = html.split('<table class="coverage">')[1].split("</thead>")[0]
    assert head.count('<th scope="col"') == len(SORTABLE)
    assert re.findall(r'id="sort-(\w+)"', head) == SORTABLE
    # Only the sorted column says how it is sorted (the default: last visit, oldest first).
    assert re.findall(r'aria-sort="(\w+)"', head) == ["ascending"]
    assert 'aria-sort="ascending">\n          <a id="sort-last_visit"' in head


@pytest.mark.parametrize("key", SORTABLE)
def test_sort_links_work_without_javascript(live_schools, client, auth, key):
    """Following a heading's link as a plain page load sorts by it, then reverses it."""
    auth.login("trust@cadence.test")
    start = "/coverage?sort=" + ("last_visit" if key == "teacher" else "teacher")
    html = client.get(start).get_data(as_text=True)
    href = re.search(rf'id="sort-{key}"[^>]*href="([^"]+)"', html).group(1).replace("&amp;", "&")
    first = client.get(href)
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert "<h1>Coverage</h1>" in page
    assert re.search(rf'aria-sort="ascending">\s*<a id="sort-{key}"', page)
    href = re.search(rf'id="sort-{key}"[^>]*href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "dir=desc" in href
    again = client.get(href).get_data(as_text=True)
    assert re.search(rf'aria-sort="descending">\s*<a id="sort-{key}"', again)
    # Ties are broken by name, so descending is exactly ascending reversed.
    assert teacher_names(again) == list(reversed(teacher_names(page)))


def test_days_since_sorts_by_the_number(live_schools, client, auth):
    auth.login("trust@cadence.test")
    html = client.get("/coverage?sort=days").get_data(as_text=True)
    table = html.split('<table class="coverage">')[1].split("</table>")[0]
    days = re.findall(r'<td class="num">(\d+|–)</td>\s*<td class="num">\d+</td>', table)
    assert days == ["2", "7", "7", "8", "14", "15", "–"]
    desc = client.get("/coverage?sort=days&dir=desc").get_data(as_text=True)
    assert teacher_names(desc)[:2] == ["Wyn", "Finn"]


def test_trends_mark_this_week_and_label_each_axis_once(live_schools, client, auth):
    auth.login("lead@cadence.test")
    html = client.get("/coverage").get_data(as_text=True)
    charts = re.findall(r'<svg class="week-chart".*?</svg>', html, re.S)
    assert len(charts) == 2  # one school: visits, and seen within cadence
    for chart in charts:
        labels = re.findall(r'<text class="axis-label"[^>]*>([^<]+)</text>', chart)
        assert labels[1] == "Week starting (Monday)" and len(labels) == 2
        assert chart.count('class="bar so-far"') == 1
        assert ", so far</text>" in chart
        assert "(this week, so far)" in chart.split("<desc")[1]
    assert re.findall(r'<text class="axis-label"[^>]*>([^<]+)</text>', charts[0])[0] == "Visits"
    assert re.findall(r'<text class="axis-label"[^>]*>([^<]+)</text>', charts[1])[0] == "Teachers"
    table = html.split('<table class="share-table">')[1].split("</table>")[0]
    assert table.count("(this week, so far)") == 1
    assert len(re.findall(r"\d+% <span", table)) == 12  # one figure per week
    assert "style=" not in html
