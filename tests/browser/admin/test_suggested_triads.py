"""An admin on a laptop (1280x800) asks for suggested peer triads from this term's
self-audits, moves people between them, accepts one (made as any triad is, on the pairs
page), sets a person's experience and phase, and sets the school's term dates. axe-core
on every new page and state."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from app.demo import TRIAD_KEY
from app.extensions import db
from app.models import CoachingPair, School, User
from tests.browser.conftest import assert_accessible, sign_in


def school_id(slug: str) -> int:
    return db.session.scalar(sa.select(School.id).where(School.slug == slug))


def test_the_admin_rearranges_and_accepts_a_suggested_triad(demo, laptop):
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/schools/{school_id('riverside')}/pairs")
    laptop.get_by_role("link", name="Suggest peer triads from this term's self-audits").click()
    expect(
        laptop.get_by_role("heading", name="Suggested peer triads at Riverside Primary")
    ).to_be_visible()
    triad = laptop.get_by_role("region", name="Triad 1")
    for name in ("Amara Okafor", "Dan Lewis", "Ben Carter"):
        expect(triad.get_by_role("row", name=name)).to_contain_text("Getting pupils thinking hard")
    left_out = laptop.get_by_role("region", name="Not in a suggested triad")
    expect(left_out.get_by_role("row", name="Tom Baker")).to_contain_text("No self-audit this term")
    expect(left_out.get_by_role("row", name="Siân Evans")).to_contain_text("Only 1 left over")
    expect(laptop.get_by_text("I anticipate the misconceptions")).to_have_count(0)
    assert_accessible(laptop, "admin-suggested-triads")

    laptop.get_by_label("Triad for Siân Evans").select_option(label="Triad 1")
    laptop.get_by_label("Triad for Ben Carter").select_option(label="Leave out")
    laptop.get_by_role("button", name="Rearrange").click()
    expect(left_out.get_by_role("row", name="Ben Carter")).to_contain_text("Left out by you")
    expect(triad.get_by_role("row", name="Siân Evans")).to_be_visible()
    assert_accessible(laptop, "admin-suggested-triads-rearranged")

    laptop.get_by_role("button", name="Accept triad 1").click()
    expect(laptop.get_by_role("status").filter(has_text="Triad made:")).to_be_visible()
    expect(left_out.get_by_role("row", name="Siân Evans")).to_contain_text(
        "Already in a current triad"
    )
    assert_accessible(laptop, "admin-suggested-triads-accepted")
    db.session.expire_all()
    members = set(
        db.session.scalars(
            sa.select(User.name)
            .join(CoachingPair, CoachingPair.coach_id == User.id)
            .where(CoachingPair.triad_key.is_not(None), CoachingPair.triad_key != TRIAD_KEY)
        )
    )
    assert members == {"Amara Okafor", "Dan Lewis", "Siân Evans"}

    laptop.get_by_role("link", name="Coaching pairs", exact=True).click()
    expect(laptop.locator("table.triads tbody tr")).to_have_count(2)  # and the demo's own


def test_the_admin_sets_experience_phase_and_term_dates(demo, laptop):
    sign_in(laptop, "admin@example.org")
    riverside = school_id("riverside")
    tom = db.session.scalar(sa.select(User).where(User.email == "teacher@example.org"))
    laptop.goto(f"/admin/schools/{riverside}/staff/{tom.id}")
    laptop.get_by_label("Experience").select_option(label="Experienced")
    laptop.get_by_label("Phase they teach").select_option(label="KS1")
    laptop.get_by_role("button", name="Save").click()
    expect(laptop.get_by_text("Saved.")).to_be_visible()
    db.session.expire_all()
    assert (tom.experience, tom.phase) == ("experienced", "KS1")

    laptop.get_by_role("link", name="Term dates").click()
    expect(laptop.get_by_text("No terms set: England's usual terms apply.")).to_be_visible()
    assert_accessible(laptop, "admin-terms-empty")
    laptop.get_by_label("Name").fill("Spring 2027")
    laptop.get_by_label("First day").fill("2027-01-05")
    laptop.get_by_label("Last day").fill("2026-12-01")
    laptop.get_by_role("button", name="Add term").click()
    expect(laptop.get_by_text("The last day must not come before the first day.")).to_be_visible()
    assert_accessible(laptop, "admin-terms-error")
    laptop.get_by_label("Last day").fill("2027-03-26")
    laptop.get_by_role("button", name="Add term").click()
    expect(laptop.get_by_role("row", name="Spring 2027")).to_contain_text("26 Mar 2027")
    assert_accessible(laptop, "admin-terms-added")
    laptop.get_by_role("button", name="Remove Spring 2027").click()
    expect(laptop.get_by_text("Term removed.")).to_be_visible()


def test_a_teacher_made_a_peer_coach_still_opens_on_their_step(demo, laptop, tablet):
    """Accepting a triad gives its teachers the coach role: Amara signs in on her tablet
    and lands on her step, which names both her coaches (hers and the peer's)."""
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/schools/{school_id('riverside')}/triads/suggested")
    laptop.get_by_role("button", name="Accept triad 1").click()
    expect(laptop.get_by_role("status").filter(has_text="Triad made:")).to_be_visible()

    sign_in(tablet, "amara.okafor@example.org")
    expect(tablet.get_by_role("heading", name="My action step", level=1)).to_be_visible()
    nav = tablet.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="My step")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Drop-ins")).to_be_visible()
    expect(tablet.locator("#conversation-who")).to_contain_text(
        "Read only by you and your coaches (Ben Carter and Priya Shah)"
    )
    assert_accessible(tablet, "teacher-peer-coach-home")
