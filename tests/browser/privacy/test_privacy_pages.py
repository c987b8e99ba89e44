"""Data protection in the browser: an admin erases a person on a laptop (two
confirmations); the retention settings and the privacy page are axe-clean."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import School, Trust, User
from tests.browser.conftest import assert_accessible, sign_in


def _ids(email: str):
    trust = db.session.scalar(sa.select(Trust).where(Trust.name == "Demo Trust"))
    school = db.session.scalar(sa.select(School).where(School.slug == "riverside"))
    person = db.session.scalar(sa.select(User).where(User.email == email))
    return trust.id, school.id, person.id


def test_an_admin_erases_a_person_after_two_confirmations(demo, laptop):
    _, school_id, person_id = _ids("teacher@example.org")
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/schools/{school_id}/staff/{person_id}")
    laptop.get_by_role("link", name="Erase Tom Baker…").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Erase Tom Baker")
    assert_accessible(laptop, "privacy-erase-choice")
    laptop.get_by_role("button", name="Continue").click()
    expect(laptop.get_by_text("Choose what happens to their visits.")).to_be_visible()
    laptop.get_by_label("Keep them without their name").check()
    laptop.get_by_role("button", name="Continue").click()
    confirm = laptop.get_by_label("Type their email address to confirm")
    expect(confirm).to_be_visible()
    assert_accessible(laptop, "privacy-erase-confirm")
    confirm.fill("someone@else.test")
    laptop.get_by_role("button", name="Erase Tom Baker for good").click()
    expect(laptop.get_by_text("That is not their email address")).to_be_visible()
    laptop.get_by_label("Type their email address to confirm").fill("teacher@example.org")
    laptop.get_by_role("button", name="Erase Tom Baker for good").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Tom Baker erased")
    assert_accessible(laptop, "privacy-erased")
    db.session.expire_all()
    assert db.session.get(User, person_id) is None


def test_the_retention_settings_and_the_privacy_page(demo, laptop):
    trust_id, _, _ = _ids("teacher@example.org")
    sign_in(laptop, "admin@example.org")
    laptop.goto(f"/admin/trusts/{trust_id}/retention")
    assert_accessible(laptop, "privacy-retention")
    laptop.get_by_label("Photos are deleted after (months)").fill("0")
    laptop.get_by_role("button", name="Save retention periods").click()
    expect(laptop.get_by_text("Enter a whole number of months from 1 to 120.")).to_be_visible()
    assert_accessible(laptop, "privacy-retention-error")
    laptop.get_by_label("Photos are deleted after (months)").fill("18")
    laptop.get_by_role("button", name="Save retention periods").click()
    expect(laptop.get_by_text("Saved the retention periods.")).to_be_visible()
    laptop.get_by_role("link", name="Privacy: your data in Dropin").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Your data in Dropin")
    expect(laptop.get_by_text("Photos: 18 months after the visit")).to_be_visible()
    assert_accessible(laptop, "privacy-page")


def test_a_teacher_reads_the_privacy_page_on_a_tablet(demo, tablet):
    sign_in(tablet, "teacher@example.org")
    tablet.get_by_role("link", name="Privacy: your data in Dropin").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Your data in Dropin")
    expect(tablet.get_by_text("Photos: 24 months after the visit")).to_be_visible()
    assert_accessible(tablet, "privacy-page-tablet")
