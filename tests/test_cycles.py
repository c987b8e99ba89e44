"""Coaching cycles: set by the school's admin (no overlaps, clear messages), read by
coverage, the visits CSV (web and command line, both databases' paths) and the
teacher's journey."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.cycles.models import CoachingCycle
from app.cycles.services import cycles_of
from app.exports.csv_writer import csv_bytes
from app.exports.services import HEADER, _row_batches, operator_cycle_scope, visits_csv
from app.extensions import db
from app.localtime import local_today
from tests.factories import add_role, make_pair, make_school, make_trust, make_user, make_visit

CYCLE_START, CYCLE_END = date(2025, 11, 3), date(2025, 12, 14)


@pytest.fixture
def school_world(app):
    """A trust with two schools; a cycle at the first; visits before, in and after it."""
    trust = make_trust("Cycle Trust")
    first = make_school(trust, "first", name="First School")
    second = make_school(trust, "second", name="Second School")
    admin = make_user("admin@cycles.test", roles=[(trust, "admin")])
    lead = make_user("lead@cycles.test", roles=[(first, "lead")])
    trust_lead = make_user("trustlead@cycles.test", roles=[(trust, "trust_lead")])
    coach = make_user("coach@cycles.test", "Cora Coach", roles=[(first, "coach")])
    teacher = make_user("teacher@cycles.test", "Tia Teacher", roles=[(first, "teacher")])
    other_teacher = make_user("t2@cycles.test", roles=[(second, "teacher"), (second, "coach")])
    make_pair(coach, teacher, first, since=date(2026, 9, 1))
    cycle = CoachingCycle(
        school_id=first.id, name="Autumn cycle 2", starts_on=CYCLE_START, ends_on=CYCLE_END
    )
    second_cycle = CoachingCycle(
        school_id=second.id, name="Second's cycle", starts_on=CYCLE_START, ends_on=CYCLE_END
    )
    db.session.add_all([cycle, second_cycle])
    visits = {
        # Sunday 2 November 23:30 in London: the day before the cycle.
        "before": make_visit(
            coach, teacher, first, datetime(2025, 11, 2, 23, 30, tzinfo=UTC), step_text="Before"
        ),
        # Monday 3 November 00:10: the cycle's first minutes.
        "first_day": make_visit(
            coach, teacher, first, datetime(2025, 11, 3, 0, 10, tzinfo=UTC), step_text="First day"
        ),
        "=inside": make_visit(
            coach,
            teacher,
            first,
            datetime(2025, 11, 20, 9, 0, tzinfo=UTC),
            step_text="=SUM(A1) in the middle",
            notes='Said "well done", twice',
        ),
        # Sunday 14 December 23:50: the cycle's last minutes.
        "last_day": make_visit(
            coach, teacher, first, datetime(2025, 12, 14, 23, 50, tzinfo=UTC), step_text="Last"
        ),
        "after": make_visit(
            coach, teacher, first, datetime(2025, 12, 15, 0, 5, tzinfo=UTC), step_text="After"
        ),
        "other_school": make_visit(
            other_teacher,
            make_user(roles=[(second, "teacher")]),
            second,
            datetime(2025, 11, 20, 10, 0, tzinfo=UTC),
        ),
    }
    db.session.commit()
    return {
        "trust": trust,
        "first": first,
        "second": second,
        "admin": admin,
        "lead": lead,
        "trust_lead": trust_lead,
        "coach": coach,
        "teacher": teacher,
        "cycle": cycle,
        "second_cycle": second_cycle,
        "visits": visits,
    }


IN_CYCLE = {"first_day", "=inside", "last_day"}


# Setting cycles ------------------------------------------------------------------------


def _add(client, auth, school, **fields):
    token = auth.page_csrf_token(f"/admin/schools/{school.id}/cycles")
    form = {f"cycle-{name}": value for name, value in fields.items()}
    return client.post(f"/admin/schools/{school.id}/cycles", data={**form, "csrf_token": token})


def test_an_admin_adds_a_cycle(school_world, client, auth):
    auth.login("admin@cycles.test")
    response = _add(
        client,
        auth,
        school_world["first"],
        name="Spring cycle 1",
        starts_on="2027-01-04",
        ends_on="2027-02-12",
    )
    assert response.status_code == 200
    assert "Added the cycle “Spring cycle 1” (4 Jan – 12 Feb 2027)" in response.get_data(True)
    cycle = db.session.scalar(
        sa.select(CoachingCycle).where(CoachingCycle.name == "Spring cycle 1")
    )
    assert (cycle.school_id, cycle.starts_on, cycle.ends_on) == (
        school_world["first"].id,
        date(2027, 1, 4),
        date(2027, 2, 12),
    )


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {"name": "Overlap", "starts_on": "2025-12-14", "ends_on": "2026-01-20"},
            "These dates overlap “Autumn cycle 2” (3 Nov – 14 Dec 2025)",
        ),
        (
            {"name": "Inside", "starts_on": "2025-11-10", "ends_on": "2025-11-20"},
            "Cycles in one school cannot overlap",
        ),
        (
            {"name": "Around", "starts_on": "2025-10-01", "ends_on": "2026-01-20"},
            "These dates overlap “Autumn cycle 2”",
        ),
        (
            {"name": "Backwards", "starts_on": "2027-02-12", "ends_on": "2027-01-04"},
            "The last day must be on or after the first day.",
        ),
        (
            {"name": "Too long", "starts_on": "2027-01-04", "ends_on": "2027-07-30"},
            "A cycle lasts at most 120 days; this one would last 208.",
        ),
        (
            {"name": "autumn CYCLE 2", "starts_on": "2027-01-04", "ends_on": "2027-02-12"},
            "First School already has a cycle called “autumn CYCLE 2”.",
        ),
        ({"name": "", "starts_on": "2027-01-04", "ends_on": "2027-02-12"}, "Enter a name"),
        ({"name": "x" * 81, "starts_on": "2027-01-04", "ends_on": "2027-02-12"}, "80 characters"),
        ({"name": "No start", "starts_on": "", "ends_on": "2027-02-12"}, "first day, like"),
        ({"name": "Bad", "starts_on": "2027-02-30", "ends_on": "2027-03-12"}, "Not a valid date"),
        ({"name": "Far", "starts_on": "9999-01-04", "ends_on": "9999-02-12"}, "Choose a date"),
    ],
)
def test_a_refused_cycle_says_why_and_changes_nothing(school_world, client, auth, fields, message):
    auth.login("admin@cycles.test")
    response = _add(client, auth, school_world["first"], **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CoachingCycle.id))) == 2


def test_cycles_of_different_schools_may_share_dates(school_world, client, auth):
    """The overlap rule is per school: the second school's cycle is on the same days."""
    assert school_world["second_cycle"].starts_on == school_world["cycle"].starts_on
    auth.login("admin@cycles.test")
    response = _add(
        client,
        auth,
        school_world["second"],
        name="Autumn cycle 2",
        starts_on="2025-12-15",
        ends_on="2026-01-22",
    )
    assert response.status_code == 200


def test_removing_a_cycle_asks_first_and_keeps_the_visits(school_world, client, auth):
    auth.login("admin@cycles.test")
    cycle_id = school_world["cycle"].id
    token = auth.page_csrf_token(f"/admin/schools/{school_world['first'].id}/cycles")
    asked = client.post(f"/admin/cycles/{cycle_id}/remove", data={"csrf_token": token})
    assert "Remove this cycle?" in asked.get_data(as_text=True)
    assert db.session.get(CoachingCycle, cycle_id) is not None
    client.post(f"/admin/cycles/{cycle_id}/remove", data={"csrf_token": token, "confirm": "yes"})
    db.session.expire_all()
    assert db.session.get(CoachingCycle, cycle_id) is None
    assert len(school_world["visits"]) == 6


# Coverage ------------------------------------------------------------------------------


def test_coverage_by_cycle_counts_the_cycles_visits(school_world, client, auth):
    auth.login("lead@cycles.test")
    cycle = school_world["cycle"]
    page = client.get(f"/coverage?cycle={cycle.id}").get_data(as_text=True)
    assert "Visits in cycle" in page
    row = page.split("Tia Teacher", 1)[1].split("</tr>", 1)[0]
    # The cycle's three visits; its last visit is the one on its last day, not after.
    assert '<td class="num">3</td>' in row
    assert 'datetime="2025-12-14"' in row
    assert f"/exports/visits.csv?cycle={cycle.id}" in page
    # The trends show the cycle's six weeks; it is over, so no week is "so far".
    assert "The cycle&#39;s 6 weeks" in page or "The cycle's 6 weeks" in page
    trends = page.split('id="trends-heading"', 1)[1]
    assert "(this week, so far)" not in trends and ", so far</text>" not in trends
    assert "so-far" not in trends


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "99999999999999999999"])
def test_coverage_of_an_unknown_cycle_is_not_found(school_world, client, auth, value):
    auth.login("lead@cycles.test")
    assert client.get("/coverage", query_string={"cycle": value}).status_code == 404


def test_a_cycle_of_a_school_the_lead_does_not_lead_is_not_found(school_world, client, auth):
    auth.login("lead@cycles.test")
    response = client.get(f"/coverage?cycle={school_world['second_cycle'].id}")
    assert response.status_code == 404
    auth.logout()
    auth.login("trustlead@cycles.test")
    assert client.get(f"/coverage?cycle={school_world['second_cycle'].id}").status_code == 200


def test_a_trust_leads_cycles_are_grouped_by_school(school_world, client, auth):
    """Two schools' cycles of the same dates were listed one after another, each with its
    school in brackets: each school's cycles now sit under its name."""
    auth.login("trustlead@cycles.test")
    page = client.get("/coverage").get_data(as_text=True)
    select = page.split('id="filter-cycle"', 1)[1].split("</select>", 1)[0]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    options = {name: re.findall(r'<option value="(\d+)"', body) for name, body in groups}
    assert options == {
        "First School": [str(school_world["cycle"].id)],
        "Second School": [str(school_world["second_cycle"].id)],
    }
    assert "(First School)" not in select
    # The Export page's cycle list is grouped the same way; a chosen cycle stays chosen.
    exports = client.get("/exports").get_data(as_text=True)
    select = exports.split('id="cycle"', 1)[1].split("</select>", 1)[0]
    assert '<optgroup label="First School">' in select and "(First School)" not in select
    chosen = client.get(f"/coverage?cycle={school_world['second_cycle'].id}").get_data(as_text=True)
    assert f'<option value="{school_world["second_cycle"].id}" selected>' in chosen
    auth.logout()
    auth.login("lead@cycles.test")  # one school: no groups
    page = client.get("/coverage").get_data(as_text=True)
    select = page.split('id="filter-cycle"', 1)[1].split("</select>", 1)[0]
    assert "<optgroup" not in select
    assert f'<option value="{school_world["cycle"].id}">Autumn cycle 2, ' in select


# The CSV -------------------------------------------------------------------------------


def download(client, url: str):
    """GET a streamed download to its end and close it (its request context with it)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _csv(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True).removeprefix("\ufeff").split("\r\n")


def test_the_cycle_csv_is_the_cycles_days_in_its_school(school_world, client, auth):
    auth.login("trustlead@cycles.test")
    cycle = school_world["cycle"]
    response = download(client, f"/exports/visits.csv?cycle={cycle.id}")
    lines = _csv(response)
    assert lines[0] == ",".join(HEADER)
    ids = [line.split(",")[0] for line in lines[1:-1]]
    assert ids == [
        str(school_world["visits"][name].id) for name in ("first_day", "=inside", "last_day")
    ]
    assert "'=SUM(A1) in the middle" in response.get_data(as_text=True)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="dropin-visits-cycle-{cycle.id}_2025-11-03_2025-12-14-first.csv"'
    )


def test_the_cycle_csv_has_the_bytes_of_the_same_days_as_a_date_range(school_world, client, auth):
    """Same header, formatting and rows as the date-range download of the cycle's school
    and days: only the way the range is named differs."""
    auth.login("lead@cycles.test")
    cycle = download(client, f"/exports/visits.csv?cycle={school_world['cycle'].id}")
    same_days = download(client, "/exports/visits.csv?from=2025-11-03&to=2025-12-14&school=first")
    assert cycle.status_code == same_days.status_code == 200
    assert cycle.data == same_days.data


def test_the_command_line_cycle_export_matches_the_web(
    school_world, client, auth, runner, tmp_path
):
    auth.login("trustlead@cycles.test")
    web = download(client, f"/exports/visits.csv?cycle={school_world['cycle'].id}").data
    out = tmp_path / "cycle.csv"
    result = runner.invoke(
        args=["export-visits", "--cycle", str(school_world["cycle"].id), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == web


@pytest.mark.parametrize(
    "args, message",
    [
        (["--cycle", "abc"], "Choose a cycle by its number"),
        (["--cycle", "424242"], "no cycle numbered 424242"),
        (["--cycle", "CYCLE", "--week", "2026-W47"], "not both"),
        (["--cycle", "CYCLE", "--school", "second"], "leave the school out"),
    ],
)
def test_command_line_cycle_mistakes_say_why(school_world, runner, args, message):
    args = [str(school_world["cycle"].id) if arg == "CYCLE" else arg for arg in args]
    result = runner.invoke(args=["export-visits", *args])
    assert result.exit_code != 0
    assert message in result.output


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("cycle=abc", 400, "Choose a cycle by its number"),
        ("cycle=", 400, "Choose a cycle by its number"),
        ("cycle=CYCLE&week=2026-W47", 400, "only one"),
        ("cycle=CYCLE&from=2026-11-01&to=2026-11-30", 400, "only one"),
        ("cycle=CYCLE&school=second", 400, "leave the school out"),
        ("cycle=424242", 404, ""),
        ("cycle=99999999999999999999", 404, ""),
        ("cycle=SECOND", 404, ""),  # a school the lead does not lead
    ],
)
def test_web_cycle_mistakes_answer_clearly(school_world, client, auth, query, status, message):
    auth.login("lead@cycles.test")
    query = query.replace("SECOND", str(school_world["second_cycle"].id))
    query = query.replace("CYCLE", str(school_world["cycle"].id))
    response = download(client, f"/exports/visits.csv?{query}")
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_a_coach_downloads_only_the_cycles_visits_they_may_see(school_world, client, auth):
    """The visibility rule is the weekly CSV's: a coach of the school sees their own."""
    other_coach = make_user("c2@cycles.test", roles=[(school_world["first"], "coach")])
    db.session.commit()
    auth.login(other_coach.email)
    lines = _csv(download(client, f"/exports/visits.csv?cycle={school_world['cycle'].id}"))
    assert lines[1:] == [""]
    auth.logout()
    auth.login("coach@cycles.test")
    assert len(_csv(download(client, f"/exports/visits.csv?cycle={school_world['cycle'].id}"))) == 5


def test_the_export_page_offers_the_cycles(school_world, client, auth):
    auth.login("lead@cycles.test")
    page = client.get("/exports").get_data(as_text=True)
    assert "Download cycle CSV" in page
    assert "Autumn cycle 2, 3 Nov – 14 Dec 2025" in page
    assert "Second&#39;s cycle" not in page and "Second's cycle" not in page


# The journey ---------------------------------------------------------------------------


def test_the_journey_is_grouped_by_cycle(school_world, client, auth):
    """Steps set in the cycle sit under its name; those before and after it, by term."""
    auth.login("teacher@cycles.test")
    page = client.get("/teacher/journey").get_data(as_text=True)
    assert "Autumn cycle 2" in page and "3 Nov – 14 Dec 2025" in page
    after, cycle, before = (
        page.index("After"),
        page.index("Autumn cycle 2"),
        page.index(">Before<"),
    )
    assert after < cycle < before
    in_cycle = page.split("Autumn cycle 2", 1)[1].split("<section", 1)[0]
    assert "First day" in in_cycle and "in the middle" in in_cycle and "Last" in in_cycle
    assert "After" not in in_cycle and ">Before<" not in in_cycle


def test_a_teacher_in_two_schools_sees_each_schools_cycles(school_world, client, auth):
    second = school_world["second"]
    teacher = school_world["teacher"]
    add_role(teacher, second, "teacher")
    coach = make_user(roles=[(second, "coach")])
    make_pair(coach, teacher, second, since=date(2026, 9, 1))
    make_visit(coach, teacher, second, datetime(2025, 12, 20, 9, 0, tzinfo=UTC), step_text="Xmas")
    db.session.commit()
    auth.login("teacher@cycles.test")
    page = client.get("/teacher/journey").get_data(as_text=True)
    assert "Autumn cycle 2" in page
    assert "Autumn term 2025" in page  # after the cycle in either school


def test_both_csv_paths_give_the_cycles_same_bytes(school_world):
    """PostgreSQL formats the lines in SQL, SQLite in Python: for a cycle, as for a week,
    the bytes are the same (on SQLite both are the Python path)."""
    scope, period = operator_cycle_scope(str(school_world["cycle"].id), None)
    from_database = b"".join(visits_csv(scope, period))
    from_python = b"".join(csv_bytes(HEADER, _row_batches(scope, period)))
    assert from_database.count(b"\r\n") == 1 + len(IN_CYCLE)
    assert from_database == from_python


def test_the_demo_has_a_current_cycle_in_each_school(app):
    from app.demo import seed_demo
    from app.models import School

    seed_demo("pw-demo")
    for school in db.session.scalars(sa.select(School)):
        today = local_today(school.timezone)
        current = [c for c in cycles_of([school.id]) if c.contains(today)]
        assert len(current) == 1, school.slug


def _change(client, auth, cycle, **fields):
    token = auth.page_csrf_token(f"/admin/cycles/{cycle.id}")
    form = {f"cycle-{name}": value for name, value in fields.items()}
    return client.post(f"/admin/cycles/{cycle.id}", data={**form, "csrf_token": token})


def test_an_admin_renames_and_moves_a_cycle(school_world, client, auth):
    """Its own old dates never count as an overlap."""
    auth.login("admin@cycles.test")
    cycle = school_world["cycle"]
    response = _change(
        client, auth, cycle, name="Autumn cycle 2b", starts_on="2025-11-04", ends_on="2025-12-19"
    )
    assert response.status_code == 200
    assert "Changed: name “Autumn cycle 2” to “Autumn cycle 2b”; dates" in response.get_data(True)
    db.session.expire_all()
    assert (cycle.name, cycle.starts_on, cycle.ends_on) == (
        "Autumn cycle 2b",
        date(2025, 11, 4),
        date(2025, 12, 19),
    )


def test_moving_a_cycle_onto_another_is_refused(school_world, client, auth):
    first = school_world["first"]
    earlier = CoachingCycle(
        school_id=first.id, name="Autumn 1", starts_on=date(2025, 9, 1), ends_on=date(2025, 10, 17)
    )
    db.session.add(earlier)
    db.session.commit()
    auth.login("admin@cycles.test")
    response = _change(
        client, auth, earlier, name="Autumn 1", starts_on="2025-09-01", ends_on="2025-11-05"
    )
    assert response.status_code == 422
    assert "These dates overlap “Autumn cycle 2” (3 Nov – 14 Dec 2025)" in response.get_data(True)
    response = _change(
        client, auth, earlier, name="Autumn cycle 2", starts_on="2025-09-01", ends_on="2025-10-17"
    )
    assert response.status_code == 422
    assert "already has a cycle called “Autumn cycle 2”" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (earlier.name, earlier.ends_on) == ("Autumn 1", date(2025, 10, 17))


def test_the_audit_trail_tells_of_cycles_in_words(school_world, client, auth):
    auth.login("admin@cycles.test")
    _add(
        client,
        auth,
        school_world["first"],
        name="Spring cycle 1",
        starts_on="2027-01-04",
        ends_on="2027-02-12",
    )
    page = client.get(f"/admin/trusts/{school_world['trust'].id}/audit").get_data(as_text=True)
    assert "Added the cycle “Spring cycle 1” (4 Jan – 12 Feb 2027) at First School" in page
    assert "First day: 4 Jan 2027" in page and "Last day: 12 Feb 2027" in page
    assert "Cycle id" not in page and "{" not in page.split("<main", 1)[1]


def test_sorting_and_filtering_keep_the_cycle(school_world, client, auth):
    """The table's htmx fragment and its sort links stay on the cycle."""
    auth.login("lead@cycles.test")
    cycle = school_world["cycle"]
    response = client.get(
        f"/coverage?cycle={cycle.id}&sort=teacher&show=all", headers={"HX-Request": "true"}
    )
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert "Visits in cycle" in fragment
    assert f"cycle={cycle.id}" in fragment.split('id="sort-teacher"', 1)[1].split(">", 1)[0]
