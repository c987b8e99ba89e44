"""An admin on a laptop: a peer triad is listed and ended as one, the teachers with no
current coach are listed, and the audit trail says what happened in words and local
time. axe-core on every state."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from playwright.sync_api import expect

from app.demo import TRIAD_KEY
from app.extensions import db
from app.models import CoachingPair, School, Trust
from tests.browser.conftest import assert_accessible, sign_in


def school_id(slug: str) -> int:
    return db.session.scalar(sa.select(School.id).where(School.slug == slug))


def test_a_triad_is_added_shown_and_ended_as_one(demo, laptop):
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/schools/{school_id('riverside')}/pairs")
    expect(laptop.locator("#uncoached-heading")).to_have_text("Teachers with no current coach (0)")
    current_pairs = laptop.locator("#current-heading")
    expect(current_pairs).to_have_text("Current pairs (5)")
    laptop.get_by_label("First peer").select_option(label="Priya Shah (coach@example.org)")
    laptop.get_by_label("Second peer").select_option(label="Siân Evans (sian.evans@example.org)")
    laptop.get_by_label("Third peer").select_option(
        label="Ruth Mensah (head.riverside@example.org)"
    )
    laptop.get_by_role("button", name="Add triad").click()
    triads = laptop.locator("table.triads tbody tr")
    expect(triads).to_have_count(2)  # the demo's own triad, and this one
    added = triads.filter(has_text="Priya Shah → Siân Evans")
    expect(added).to_contain_text("Priya Shah → Siân Evans → Ruth Mensah → Priya Shah")
    expect(current_pairs).to_have_text("Current pairs (5)")  # the triad is not three pairs
    assert_accessible(laptop, "admin-pairs-triad")

    laptop.get_by_role("button", name="End triad… Priya Shah, Siân Evans and Ruth Mensah").click()
    expect(laptop.get_by_text("End this triad (all three pairs)?")).to_be_visible()
    assert_accessible(laptop, "admin-pairs-triad-confirm")
    laptop.get_by_role(
        "button", name=re.compile("^Yes, end it.*the triad Priya Shah, Siân Evans and Ruth Mensah$")
    ).click()
    expect(added).to_contain_text("Ends today")
    untils = db.session.scalars(
        sa.select(CoachingPair.until).where(
            CoachingPair.triad_key.is_not(None), CoachingPair.triad_key != TRIAD_KEY
        )
    ).all()
    assert untils == [date.today()] * 3

    trust_id = db.session.scalar(sa.select(Trust.id).where(Trust.name == "Demo Trust"))
    laptop.goto(f"/admin/trusts/{trust_id}/audit")
    expect(laptop.get_by_text("Times are in the trust's time zone, Europe/London.")).to_be_visible()
    ended = laptop.locator("table.audit tbody tr").first
    expect(ended).to_contain_text(
        "Ended the triad Priya Shah, Siân Evans and Ruth Mensah at Riverside Primary"
    )
    expect(ended.locator(".event-changes li")).to_have_text(
        [
            "School: Riverside Primary",
            "Members: coach@example.org, sian.evans@example.org, head.riverside@example.org",
            f"On: {date.today():%-d %b %Y}",
        ]
    )
    assert "{" not in laptop.locator("table.audit").inner_text()
    assert_accessible(laptop, "admin-audit-words")


def test_teachers_with_no_coach_are_listed(demo, laptop):
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/schools/{school_id('hillcrest')}/pairs")
    expect(laptop.locator("#uncoached-heading")).to_have_text("Teachers with no current coach (1)")
    expect(laptop.locator("ul.uncoached li")).to_have_text(
        ["Marek Zieliński (marek.zielinski@example.org)"]
    )
    assert_accessible(laptop, "admin-pairs-uncoached")
