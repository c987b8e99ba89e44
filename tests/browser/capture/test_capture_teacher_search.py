"""A trust lead's capture page lists the first teachers only: its search box finds any
teacher they may write for (online, from the server; offline, in the list on the page),
on a phone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

import app.capture.services as capture_services
from app.authz import writable_coachees
from app.extensions import db
from app.models import User
from tests.browser.capture.conftest import open_capture_page
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

LISTED = 2


@pytest.fixture
def few_listed(monkeypatch):
    monkeypatch.setattr(capture_services, "TEACHERS_LISTED", LISTED)


def _beyond_the_list(email: str) -> list[str]:
    lead = db.session.scalar(sa.select(User).where(User.email == email))
    names = [coachee.teacher.name for coachee in writable_coachees(lead)]
    db.session.remove()
    return names[LISTED:]


def _teacher_options(page) -> list[str]:
    return page.locator("[data-teacher] option").evaluate_all(
        "(options) => options.filter((o) => o.value).map((o) => o.textContent)"
    )


def test_a_trust_lead_finds_a_teacher_beyond_the_list_online_and_offline(demo, phone, few_listed):
    beyond = _beyond_the_list("lead@example.org")
    assert len(beyond) >= 2, "the demo trust has more teachers than the list"
    sign_in(phone, "lead@example.org")
    open_capture_page(phone)
    expect(phone.get_by_text("Only the first 2 teachers are listed")).to_be_visible()
    assert len(_teacher_options(phone)) == LISTED
    assert_accessible(phone, "capture-teacher-search")

    phone.get_by_label("Find by name").fill(beyond[0])
    chosen = phone.get_by_label("Teacher")
    expect(chosen.locator("option:checked")).to_contain_text(beyond[0])
    phone.get_by_label("Class").fill("Year 9")  # the form goes on with the teacher found

    phone.context.set_offline(True)
    phone.get_by_label("Find by name").fill(beyond[1])
    expect(phone.locator("[data-teacher-search-status]")).to_have_text(
        "Offline: searching the teachers listed here only."
    )
    assert beyond[1] not in " ".join(_teacher_options(phone))
    phone.get_by_label("Find by name").fill(beyond[0])  # found before: still on the page
    expect(chosen.locator("option:checked")).to_contain_text(beyond[0])
    phone.context.set_offline(False)


def test_a_coachs_page_has_no_search_of_the_server(demo, phone):
    sign_in(phone, "coach@example.org")
    open_capture_page(phone)
    expect(phone.get_by_label("Find by name")).to_be_visible()
    expect(phone.locator("[data-teacher-search-status]")).to_have_count(0)
