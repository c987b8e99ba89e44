"""The focus areas a lead sees on Coverage are safe from differencing: an area's count
shows only when at least three chose it; areas chosen by one or two fold into "Other
areas", shown only when that fold reaches three; otherwise the lead sees the total alone
(beside the total, the shown rows would give the small remainder away). One test per case,
through the page a lead opens."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.selfaudit.areas import AREAS
from tests.factories import make_school, make_self_audit, make_trust, make_user

TITLES = {area.key: area.title for area in AREAS}
LEAD = "head@focus.test"


@pytest.fixture
def school_with_audits(app):
    """A school with its lead; call it with the focus area of each self-audit."""
    school = make_school(make_trust("Focus Trust"), "focus", name="Focus School")
    make_user(LEAD, roles=[(school, "lead")])

    def audits(*focus_areas: str) -> None:
        for focus in focus_areas:
            make_self_audit(make_user(roles=[(school, "teacher")]), school, focus)
        db.session.commit()

    return audits


def _focus_seen(client, auth) -> tuple[str, dict[str, int] | None]:
    """(the section's text, {row title: count} or None when no table shows)."""
    auth.login(LEAD)
    body = client.get("/coverage").get_data(as_text=True)
    section = body[body.index('id="focus-heading"') : body.index('id="coaches-heading"')]
    if "<table" not in section:
        return section, None
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', section)
    return section, {title: int(count) for title, count in rows}


def test_two_and_one_show_the_total_alone(client, auth, school_with_audits):
    """The tester's case: three self-audits split 2/1 told a lead who knew two choices
    the third's."""
    school_with_audits("thinking", "thinking", "time")
    section, rows = _focus_seen(client, auth)
    assert rows is None
    assert "3 self-audits so far" in section
    for title in TITLES.values():
        assert title not in section


def test_three_and_one_show_the_total_alone(client, auth, school_with_audits):
    """Showing "3" beside a total of 4 would tell the one other's choice is not it."""
    school_with_audits("thinking", "thinking", "thinking", "environment")
    section, rows = _focus_seen(client, auth)
    assert rows is None
    assert "4 self-audits so far" in section
    assert "too few chose some areas" in section


def test_small_areas_fold_into_other_areas_when_they_reach_three(client, auth, school_with_audits):
    school_with_audits("thinking", "thinking", "thinking", "time", "time", "environment")
    section, rows = _focus_seen(client, auth)
    assert rows == {TITLES["thinking"]: 3, "Other areas": 3}
    assert "(6 self-audits)" in section
    assert TITLES["time"] not in section and TITLES["environment"] not in section


def test_when_every_area_is_small_the_total_shows_alone(client, auth, school_with_audits):
    """ "Other areas" alone would only repeat the total."""
    school_with_audits("thinking", "time", "environment", "time")
    section, rows = _focus_seen(client, auth)
    assert rows is None
    assert "4 self-audits so far" in section


def test_every_area_chosen_by_three_or_more_shows_each_count(client, auth, school_with_audits):
    school_with_audits(*["thinking"] * 3, *["time"] * 4)
    _, rows = _focus_seen(client, auth)
    assert rows == {TITLES["thinking"]: 3, TITLES["time"]: 4}  # areas no one chose: not listed


def test_fewer_than_three_show_the_total_alone(client, auth, school_with_audits):
    school_with_audits("thinking", "thinking")
    section, rows = _focus_seen(client, auth)
    assert rows is None
    assert "2 self-audits so far" in section
    assert "Counts per area are shown from 3" in section
