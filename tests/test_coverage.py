"""Coverage against each school's cadence (weekly 7 days, fortnightly 14), its filters,
sorting and htmx fragment, the trends and the per-coach summary."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.leads.coverage import CoverageFilters, coverage_rows, filter_and_sort
from app.leads.trends import coach_summaries, trends_for
from app.localtime import local_today, start_of_day
from tests.factories import add_role, make_pair, make_school, make_trust, make_user, make_visit

#: Monday 15 June 2026, 12:00 UTC (13:00 in London, summer time).
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def make_schools(now: datetime):
    """A weekly and a fortnightly school, teachers last visited at the edges of each cadence."""
    trust = make_trust("Cadence Trust")
    weekly = make_school(trust, "weekly-high", name="Weekly High", cadence="weekly")
    fortnightly = make_school(
        trust, "fortnightly-primary", name="Fortnightly Primary", cadence="fortnightly"
    )
    coach = make_user(
        "coach@cadence.test", name="Cora Coach", roles=[(weekly, "coach"), (fortnightly, "coach")]
    )
    other_coach = make_user("otto@cadence.test", name="Otto Other", roles=[(weekly, "coach")])
    lead = make_user("lead@cadence.test", name="Lee Lead", roles=[(weekly, "lead")])
    trust_lead = make_user("trust@cadence.test", name="Tess Trust")
    add_role(trust_lead, trust, "trust_lead")
    admin = make_user("admin@cadence.test")
    add_role(admin, trust, "admin")
    teachers = {}

    def teacher(name, school, coached_by=coach, active=True):
        user = make_user(
            f"{name.lower()}@cadence.test", name=name, active=active, roles=[(school, "teacher")]
        )
        if coached_by:
            make_pair(coached_by, user, school, since=now.date() - timedelta(days=100))
        teachers[name] = user
        return user

    def visit(name, school, when, **fields):
        return make_visit(coach, teachers[name], school, when, **fields)

    teacher("Wendy", weekly)  # 7 days ago: due today, not overdue
    visit("Wendy", weekly, now - timedelta(days=7))
    teacher("Will", weekly, other_coach)  # 8 days ago: overdue
    visit("Will", weekly, now - timedelta(days=8))
    teacher("Wren", weekly)  # 00:30 on the school's day a week ago: 7 days, not 8
    # With NOW: 23:30 UTC on Sunday 7 June, which is 00:30 on Monday 8 June in London. Made
    # from the school's calendar, not by subtracting hours, so it holds at any hour.
    a_week_ago = local_today(weekly.timezone, now) - timedelta(days=7)
    visit("Wren", weekly, start_of_day(a_week_ago, weekly.timezone) + timedelta(minutes=30))
    teacher("Wyn", weekly, coached_by=None)  # never visited, no coach: "no coach", not due
    teacher("Walt", weekly, active=False)  # left the school: not listed
    teacher("Faye", fortnightly)  # 14 days: not overdue
    visit("Faye", fortnightly, now - timedelta(days=14))
    teacher("Finn", fortnightly)  # 15 days: overdue
    visit("Finn", fortnightly, now - timedelta(days=15))
    teacher("Flo", fortnightly)  # an old visit, then a recent one: not overdue
    visit("Flo", fortnightly, now - timedelta(days=50), step_text="Old step", status="embedded")
    visit(
        "Flo",
        fortnightly,
        now - timedelta(days=2),
        step_text="Cold call after the pause",
        status="practising",
    )
    db.session.commit()
    return {
        "weekly": weekly,
        "fortnightly": fortnightly,
        "coach": coach,
        "other_coach": other_coach,
        "lead": lead,
        "trust_lead": trust_lead,
        "admin": admin,
        "teachers": teachers,
    }


@pytest.fixture
def schools(app):
    """The schools as of NOW, for exact day counts."""
    return make_schools(NOW)


@pytest.fixture
def live_schools(app):
    """The same schools as of the real clock, for the pages (which use the real clock)."""
    return make_schools(datetime.now(UTC))


def by_name(rows):
    return {row.teacher_name: row for row in rows}


def test_exactly_the_overdue_teachers_are_flagged_per_cadence(schools):
    rows = by_name(coverage_rows([schools["weekly"], schools["fortnightly"]], NOW))
    assert set(rows) == {"Wendy", "Will", "Wren", "Wyn", "Faye", "Finn", "Flo"}
    assert {name for name, row in rows.items() if row.overdue} == {"Will", "Finn"}
    assert {name for name, row in rows.items() if not row.has_coach} == {"Wyn"}
    assert [rows[name].days_since for name in ("Wendy", "Will", "Wren", "Faye", "Finn", "Flo")] == [
        7,
        8,
        7,
        14,
        15,
        2,
    ]
    assert rows["Wyn"].days_since is None and rows["Wyn"].last_visit_on is None


def test_last_visit_date_is_in_the_schools_calendar(schools):
    rows = by_name(coverage_rows([schools["weekly"]], NOW))
    assert rows["Wren"].last_visit_on.isoformat() == "2026-06-08"


def test_half_term_visits_and_current_step_come_from_the_latest_visit(schools):
    flo = by_name(coverage_rows([schools["fortnightly"]], NOW))["Flo"]
    assert flo.recent_visits == 1  # the visit 50 days ago is before the last six weeks
    assert (flo.step_text, flo.step_status) == ("Cold call after the pause", "practising")
    assert flo.coach_names == "Cora Coach"


def test_filters_and_sorting(schools):
    rows = coverage_rows([schools["weekly"], schools["fortnightly"]], NOW)
    overdue = filter_and_sort(rows, CoverageFilters(show="due", sort="teacher"))
    assert [row.teacher_name for row in overdue.rows] == ["Finn", "Will"]
    no_coach = filter_and_sort(rows, CoverageFilters(show="no-coach"))
    assert [row.teacher_name for row in no_coach.rows] == ["Wyn"]
    otto = filter_and_sort(rows, CoverageFilters(coach_id=schools["other_coach"].id))
    assert [row.teacher_name for row in otto.rows] == ["Will"]
    weekly = filter_and_sort(
        rows, CoverageFilters(school=schools["weekly"], sort="teacher", descending=True)
    )
    assert [row.teacher_name for row in weekly.rows] == ["Wyn", "Wren", "Will", "Wendy"]
    oldest_first = filter_and_sort(rows, CoverageFilters())
    # By default the longest since a visit first, never visited at the top.
    assert [row.teacher_name for row in oldest_first.rows] == [
        "Wyn",
        "Finn",
        "Faye",
        "Will",
        "Wendy",
        "Wren",
        "Flo",
    ]
    assert (weekly.total, weekly.overdue, weekly.no_coach) == (4, 1, 1)
    fewest_days = filter_and_sort(rows, CoverageFilters(sort="days"))
    # Fewest days since the last visit first; never visited last.
    assert [row.teacher_name for row in fewest_days.rows] == [
        "Flo",
        "Wendy",
        "Wren",
        "Will",
        "Faye",
        "Finn",
        "Wyn",
    ]
    most_days = filter_and_sort(rows, CoverageFilters(sort="days", descending=True))
    assert [row.teacher_name for row in most_days.rows][:2] == ["Wyn", "Finn"]


def test_trends_count_visits_per_week_and_share_within_cadence(schools):
    both = [schools["fortnightly"], schools["weekly"]]
    rows = coverage_rows(both, NOW)
    trends = trends_for(both, rows, NOW)
    assert trends.weeks[-1] == "2026-W25" and trends.weeks[0] == "2026-W14"
    fortnightly, weekly = trends.visits
    # Fortnightly: Flo on 26 April (W17) and 13 June (W24), Finn 31 May (W22), Faye 1 June.
    assert fortnightly.counts == [0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0]
    # Weekly: Will on Sunday 7 June (W23); Wendy and Wren on Monday 8 June in London (W24),
    # though Wren's visit was still Sunday in UTC.
    assert weekly.counts == [0] * 9 + [1, 2, 0]
    assert trends.busiest_week == 2
    assert [bar.height for bar in weekly.bars][9:] == [47.0, 94.0, 0]
    assert [bar.so_far for bar in weekly.bars] == [False] * 11 + [True]


def test_coach_summary_counts_this_weeks_visits_and_overdue_coachees(schools):
    both = [schools["weekly"], schools["fortnightly"]]
    rows = coverage_rows(both, NOW)
    make_visit(
        schools["coach"], schools["teachers"]["Wendy"], schools["weekly"], NOW - timedelta(hours=2)
    )
    db.session.commit()
    summary = {c.name: c for c in coach_summaries(both, rows, NOW)}
    assert (
        summary["Cora Coach"].coachees,
        summary["Cora Coach"].visits_this_week,
        summary["Cora Coach"].overdue,
    ) == (5, 1, 1)
    assert (summary["Otto Other"].coachees, summary["Otto Other"].overdue) == (1, 1)


# --- over HTTP -------------------------------------------------------------------------


def teacher_names(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<th scope="row">([^<]+)</th>', body)


@pytest.mark.parametrize(
    "email", ["coach@cadence.test", "wendy@cadence.test", "admin@cadence.test"]
)
@pytest.mark.parametrize("path", ["/coverage", "/exports"])
def test_lead_pages_are_not_found_for_other_roles(live_schools, client, auth, email, path):
    auth.login(email)
    assert client.get(path).status_code == 404


def test_school_lead_sees_only_their_school(live_schools, client, auth):
    auth.login("lead@cadence.test")
    html = client.get("/coverage?sort=teacher").get_data(as_text=True)
    assert teacher_names(html) == ["Wendy", "Will", "Wren", "Wyn"]
    assert client.get("/coverage?school=fortnightly-primary").status_code == 404


def test_trust_lead_sees_every_school_with_trends_and_coaches(live_schools, client, auth):
    auth.login("trust@cadence.test")
    response = client.get("/coverage?sort=teacher")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Coverage</h1>" in html
    assert teacher_names(html) == ["Faye", "Finn", "Flo", "Wendy", "Will", "Wren", "Wyn"]
    assert html.count('<svg class="week-chart"') == 4  # visits and seen within cadence
    assert '<title id="weekly-weekly-high-title">Weekly High: visits per week</title>' in html
    assert '<desc id="within-weekly-high-desc">' in html
    assert "style=" not in html
    assert '<h2 id="coaches-heading">Coaches</h2>' in html


def test_htmx_gets_the_table_fragment_only(live_schools, client, auth):
    auth.login("trust@cadence.test")
    response = client.get(
        "/coverage?overdue=1&sort=teacher&school=fortnightly-primary",
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and "<h1>" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert teacher_names(html) == ["Finn"]
    assert "1 teacher: 1 due a drop-in, 0 with no coach." in html


def test_sort_links_keep_the_filters_and_toggle_direction(live_schools, client, auth):
    auth.login("trust@cadence.test")
    html = client.get(
        "/coverage?school=fortnightly-primary&sort=teacher", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    link = re.search(r'id="sort-teacher"[^>]*href="([^"]+)"', html).group(1)
    link = link.replace("&amp;", "&")
    assert link == "/coverage?school=fortnightly-primary&sort=teacher&dir=desc"
    desc = client.get(link, headers={"HX-Request": "true"})
    assert teacher_names(desc.get_data(as_text=True)) == ["Flo", "Finn", "Faye"]
    assert 'aria-sort="descending"' in desc.get_data(as_text=True)


def test_coach_filter_over_http(live_schools, client, auth):
    auth.login("trust@cadence.test")
    otto = live_schools["other_coach"].id
    html = client.get(f"/coverage?coach={otto}", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert teacher_names(html) == ["Will"]
    assert client.get("/coverage?school=nowhere").status_code == 404
    # a meaningless coach or sort is ignored, never an error
    assert client.get("/coverage?coach=abc&sort=nonsense").status_code == 200


def test_a_due_drop_in_is_worded_about_the_coaching_at_the_last_visit(live_schools, client, auth):
    auth.login("trust@cadence.test")
    html = client.get("/coverage?school=fortnightly-primary&sort=teacher").get_data(as_text=True)
    finn_row = html.split('<th scope="row">Finn</th>')[1].split("</tr>")[0]
    last_visit_cell = finn_row.split('<td class="last-visit">')[1].split("</td>")[0]
    assert "Drop-in due" in last_visit_cell and "14-day cadence" in last_visit_cell
    assert "Overdue" not in html and 'class="is-overdue"' not in html
    assert "Only drop-ins due" in html
    assert "every fortnight" in html and "This half-term" not in html


def test_a_lead_can_open_each_teachers_latest_visit(live_schools, client, auth):
    auth.login("lead@cadence.test")
    html = client.get("/coverage?sort=teacher").get_data(as_text=True)
    wren_row = html.split('<th scope="row">Wren</th>')[1].split("</tr>")[0]
    link = re.search(r'<a href="(/visits/[0-9a-f-]{36})">', wren_row).group(1)
    visit = client.get(link)
    assert visit.status_code == 200
    assert "Wren" in visit.get_data(as_text=True)


def test_trend_weeks_are_labelled_by_their_dates(schools):
    trends = trends_for([schools["weekly"]], coverage_rows([schools["weekly"]], NOW), NOW)
    assert trends.weeks[-1] == "2026-W25"
    assert trends.week_starts[-1].isoformat() == "2026-06-15"
