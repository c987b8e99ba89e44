"""The emails page on a phone and the stop link's page on a laptop: each works as a
person would use it and is axe-clean; the teacher's "New" marker on a tablet."""

from playwright.sync_api import expect

from app.extensions import db
from app.models import ActionStep, User
from app.notify.models import EmailOptOut
from app.notify.services import unsubscribe_token
from tests.browser.conftest import assert_accessible, sign_in


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.query(User).filter_by(email=email).one()


def stopped(email: str) -> set[str]:
    db.session.expire_all()
    user = _user(email)
    return {row.kind for row in db.session.query(EmailOptOut).filter_by(user_id=user.id)}


def test_a_coach_switches_off_the_monday_email_on_the_phone(demo, phone):
    sign_in(phone, "coach@example.org")
    phone.get_by_role("link", name="Emails").click()
    monday = phone.get_by_label("Monday: the teachers due a drop-in this week")
    expect(monday).to_be_checked()
    assert_accessible(phone, "emails-phone")

    monday.uncheck()
    phone.get_by_role("button", name="Save").click()

    expect(phone.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(phone.get_by_label("Monday: the teachers due a drop-in this week")).not_to_be_checked()
    assert stopped("coach@example.org") == {"coach_weekly"}


def test_the_stop_link_stops_one_kind_without_signing_in(demo, laptop):
    with demo.test_request_context():
        token = unsubscribe_token(_user("lead@example.org"), "lead_weekly")
    laptop.goto(f"/emails/stop/{token}")
    expect(laptop.get_by_role("heading", name="Stop these emails?")).to_be_visible()
    assert_accessible(laptop, "stop-link")

    laptop.get_by_role("button", name="Stop these emails").click()

    expect(laptop.get_by_role("heading", name="Stopped")).to_be_visible()
    assert_accessible(laptop, "stop-link-done")
    assert stopped("lead@example.org") == {"lead_weekly"}


def test_the_teacher_sees_new_on_a_step_until_they_have_opened_it(demo, tablet):
    # The demo's steps are acknowledged (so seen): a step just set is not yet.
    step = db.session.query(ActionStep).filter_by(teacher=_user("teacher@example.org"))
    step = step.filter(ActionStep.closed_at.is_(None)).one()
    step.status, step.acknowledged_at = "new", None
    db.session.commit()
    sign_in(tablet, "teacher@example.org")  # lands on the step page
    expect(tablet.locator(".step-label .new-marker")).to_have_text("New to you")
    assert_accessible(tablet, "teacher-step-new")

    tablet.reload()

    expect(tablet.locator(".step-label .new-marker")).to_have_count(0)
