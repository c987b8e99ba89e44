"""The teacher's self-audit on a tablet (820x1180): fills it in beside last term's answers,
saves it, shares it with their coach; the coach (phone) reads it only once shared; the
lead's coverage page shows counts only. axe-core on every new page."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import User
from app.selfaudit.areas import AREAS
from app.selfaudit_models import SelfAudit
from tests.browser.conftest import assert_accessible, sign_in

STATEMENT = "I anticipate the misconceptions pupils bring to a topic."


def tom_this_term() -> SelfAudit | None:
    db.session.expire_all()
    tom = db.session.scalar(sa.select(User).where(User.email == "teacher@example.org"))
    return db.session.scalar(
        sa.select(SelfAudit)
        .where(SelfAudit.teacher_id == tom.id)
        .order_by(SelfAudit.term_starts_on.desc())
        .limit(1)
    )


def test_a_teacher_fills_in_the_self_audit_and_shares_it_with_their_coach(demo, tablet, phone):
    earlier = tom_this_term()  # the demo's: last term's
    sign_in(tablet, "teacher@example.org")
    tablet.get_by_role("link", name="Self-audit").click()
    expect(tablet).to_have_url(re.compile(r"/teacher/self-audit$"))
    expect(tablet.get_by_role("heading", name="My self-audit")).to_be_visible()
    # Last term beside this one: at each statement, and in "Earlier terms".
    expect(tablet.locator(".earlier-answer").first).to_contain_text(earlier.term)
    expect(tablet.get_by_role("heading", name=earlier.term)).to_be_visible()
    earlier_card = tablet.get_by_role("article", name=earlier.term)
    expect(earlier_card).to_contain_text("Focus: Making the most of time to learn")
    assert_accessible(tablet, "selfaudit-teacher-empty")
    # No sharing before there is anything to share; no numbers on the scale.
    expect(tablet.get_by_role("button", name="Share with my coach")).to_have_count(0)
    assert not re.search(r"\b[1-4]\b", tablet.locator(".scale").first.inner_text())

    tablet.get_by_role("button", name="Save my self-audit").click()
    expect(tablet.get_by_text("Some answers are missing")).to_be_visible()
    expect(tablet.locator("[aria-invalid='true']").first).to_be_focused()
    assert_accessible(tablet, "selfaudit-teacher-errors")
    assert tom_this_term().term == earlier.term  # nothing saved

    for area in AREAS:
        for index, statement in enumerate(area.statements):
            group = tablet.get_by_role("group", name=statement.text)
            choice = "What I want to work on" if statement.text == STATEMENT else "Mostly secure"
            group.get_by_text(choice if index else "A strength", exact=True).click()
    focus = tablet.get_by_role("group", name="The one area I want to focus on this term")
    focus.get_by_text("Getting pupils thinking hard").click()
    tablet.get_by_role("button", name="Save my self-audit").click()
    expect(tablet.get_by_role("status").filter(has_text="Saved.")).to_be_focused()
    expect(tablet.get_by_text("Only you can see it.")).to_be_visible()
    assert tablet.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert_accessible(tablet, "selfaudit-teacher-saved")
    saved = tom_this_term()
    assert saved.term != earlier.term and saved.focus_area == "thinking"
    assert saved.answers["content-misconceptions"] == "work_on"
    assert saved.shared_with_coach is False

    sign_in(phone, "coach@example.org")
    phone.goto(f"/coaching/teachers/{saved.teacher_id}")
    phone.get_by_role("link", name=re.compile("self-audit")).click()
    expect(phone.get_by_text("Tom Baker has not shared a self-audit with you")).to_be_visible()
    expect(phone.get_by_text(STATEMENT)).to_have_count(0)
    assert_accessible(phone, "selfaudit-coach-not-shared")

    tablet.get_by_role("button", name="Share with my coach").click()
    expect(tablet.get_by_role("status").filter(has_text="Shared: your coach")).to_be_focused()
    expect(tablet.get_by_role("button", name="Stop sharing with my coach")).to_be_visible()
    assert tom_this_term().shared_with_coach is True

    phone.reload()
    section = phone.get_by_role("region", name=saved.term)
    expect(section.get_by_text("Getting pupils thinking hard").first).to_be_visible()
    expect(section.get_by_role("listitem").filter(has_text=STATEMENT)).to_contain_text(
        "What I want to work on"
    )
    expect(phone.get_by_role("region", name=earlier.term)).to_have_count(0)  # not shared
    assert_accessible(phone, "selfaudit-coach-shared")

    tablet.get_by_role("button", name="Stop sharing with my coach").click()
    expect(tablet.get_by_text("Only you can see it.")).to_be_visible()
    phone.reload()
    expect(phone.get_by_text(STATEMENT)).to_have_count(0)


def test_the_lead_sees_counts_of_focus_areas_and_no_answers(demo, laptop):
    sign_in(laptop, "lead@example.org")
    laptop.goto("/coverage")
    section = laptop.get_by_role("region", name="Focus areas chosen this term")
    hillcrest = section.get_by_role("table", name=re.compile("Hillcrest Academy"))
    row = hillcrest.get_by_role("row", name=re.compile("Making the most of time to learn"))
    expect(row).to_contain_text("3")
    # Riverside's 3 and 1: the total alone, or the 1 could be told apart.
    expect(
        section.get_by_text(re.compile("Riverside Primary, .*4 self-audits so far"))
    ).to_be_visible()
    expect(laptop.get_by_text(STATEMENT)).to_have_count(0)
    assert_accessible(laptop, "selfaudit-lead-coverage")


def test_the_self_audit_in_landscape_puts_earlier_terms_beside_this_one(demo, tablet_landscape):
    sign_in(tablet_landscape, "teacher@example.org")
    tablet_landscape.goto("/teacher/self-audit")
    this_term = tablet_landscape.locator("#self-audit-form").bounding_box()
    earlier = tablet_landscape.get_by_role("region", name="Earlier terms").bounding_box()
    assert earlier["x"] > this_term["x"] + this_term["width"] - 1  # side by side
    assert abs(earlier["y"] - this_term["y"]) < 5
    assert_accessible(tablet_landscape, "selfaudit-teacher-landscape")
