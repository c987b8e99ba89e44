"""The export page: a week (the last complete one by default) or a date range, a school or
all; valid choices go to the download, invalid ones come back with the message at the field."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.localtime import iso_week_label, week_dates
from app.models import School
from tests.factories import make_school, make_trust, make_user, make_visit


@pytest.fixture
def lead(app):
    trust = make_trust()
    mine = make_school(trust, "mine", name="My School")
    make_school(trust, "theirs", name="Their School")
    make_user("lead@page.test", roles=[(mine, "lead")])
    db.session.commit()


def test_page_offers_the_last_complete_week_and_only_the_leads_schools(lead, client, auth):
    auth.login("lead@page.test")
    html = client.get("/exports").get_data(as_text=True)
    today = datetime.now(ZoneInfo("Europe/London")).date()
    expected_week = iso_week_label(today - timedelta(days=7))
    assert f'<option value="{expected_week}" selected>Week of ' in html
    assert '<option value="mine">My School</option>' in html
    assert "Their School" not in html


@pytest.mark.parametrize(
    "query, location",
    [
        (
            "download=week&week=2026-W13&school=mine",
            "/exports/visits.csv?week=2026-W13&school=mine",
        ),
        ("download=week&week=2026-W13&school=", "/exports/visits.csv?week=2026-W13"),
        (
            "download=range&from=2026-03-01&to=2026-03-31&school=mine",
            "/exports/visits.csv?from=2026-03-01&to=2026-03-31&school=mine",
        ),
    ],
)
def test_valid_choices_go_to_the_download(lead, client, auth, query, location):
    auth.login("lead@page.test")
    response = client.get(f"/exports?{query}")
    assert response.status_code == 302
    assert response.headers["Location"] == location


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("download=week&week=2026-W99", "week", "2026 has no week 99."),
        ("download=week&week=2026-W13&school=theirs", "school", "Choose one of your schools."),
        (
            "download=range&from=2026-03-31&to=2026-03-01",
            "to",
            "The last day must be on or after the first day.",
        ),
        ("download=range&from=&to=2026-03-01", "from", "Enter the first day as a date"),
    ],
)
def test_invalid_choices_come_back_with_the_message_at_the_field(
    lead, client, auth, query, field, message
):
    auth.login("lead@page.test")
    response = client.get(f"/exports?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    kind = "week" if "download=week" in query else "range"
    assert f'aria-describedby="{kind}-{field}-error"' in html
    assert f'<p class="error" id="{kind}-{field}-error">{message}' in html


def test_weeks_are_offered_by_their_dates_without_jargon(lead, client, auth):
    auth.login("lead@page.test")
    html = client.get("/exports").get_data(as_text=True)
    last_week = iso_week_label(datetime.now(ZoneInfo("Europe/London")).date() - timedelta(days=7))
    assert f'<option value="{last_week}" selected>{week_dates(last_week)}</option>' in html
    assert "ISO week" not in html and "apostrophe" not in html and "flask --app" not in html


def test_week_labels_read_as_dates():
    assert week_dates("2026-W47") == "Week of 16–22 Nov 2026"
    assert week_dates("2026-W49") == "Week of 30 Nov – 6 Dec 2026"
    assert week_dates("2026-W53") == "Week of 28 Dec 2026 – 3 Jan 2027"


def test_this_week_so_far_downloads_the_current_week_to_now(lead, client, auth):
    from app.models import School
    from tests.factories import make_visit

    school = db.session.scalar(db.select(School).filter_by(slug="mine"))
    coach = make_user("coach@page.test", roles=[(school, "coach")])
    teacher = make_user("teacher@page.test", roles=[(school, "teacher")])
    now = datetime.now(ZoneInfo("UTC"))
    today_visit = make_visit(coach, teacher, school, now)
    make_visit(coach, teacher, school, now - timedelta(days=8))
    db.session.commit()

    auth.login("lead@page.test")
    html = client.get("/exports").get_data(as_text=True)
    assert '<h2 id="this-week-heading">This week so far</h2>' in html
    assert 'value="this_week" aria-describedby="this-week-hint">Download this week so far' in html
    this_week = iso_week_label(datetime.now(ZoneInfo("Europe/London")).date())
    response = client.get("/exports?download=this_week&school=mine")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/exports/visits.csv?week={this_week}&school=mine"
    csv_text = client.get(response.headers["Location"]).get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith(str(today_visit.id))


def test_this_week_so_far_refuses_a_school_that_is_not_yours(lead, client, auth):
    auth.login("lead@page.test")
    response = client.get("/exports?download=this_week&school=theirs")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'aria-describedby="this_week-school-error"' in html
    assert '<p class="error" id="this_week-school-error">Choose one of your schools.' in html


def test_this_week_so_far_says_how_many_drop_ins_it_holds(lead, client, auth):
    """Counted as the download counts: this week's visits of the lead's schools only."""
    auth.login("lead@page.test")
    none_yet = "No drop-ins yet this week in your schools"
    assert none_yet in client.get("/exports").get_data(as_text=True)
    mine = db.session.scalar(sa.select(School).filter_by(slug="mine"))
    theirs = db.session.scalar(sa.select(School).filter_by(slug="theirs"))
    coach = make_user("coach@page.test", roles=[(mine, "coach"), (theirs, "coach")])
    teacher = make_user("teacher@page.test", roles=[(mine, "teacher"), (theirs, "teacher")])
    now = datetime.now(UTC)
    make_visit(coach, teacher, mine, now)
    make_visit(coach, teacher, theirs, now)  # not the lead's school
    make_visit(coach, teacher, mine, now - timedelta(days=8))  # an earlier week
    db.session.commit()
    html = client.get("/exports").get_data(as_text=True)
    assert "1 drop-in so far in your schools." in html and none_yet not in html
