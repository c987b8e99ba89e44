"""Each audience signs in on its own device and lands on its page, accessibly."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

ACCOUNTS = [
    ("phone", "coach@example.org", "/visits", "Drop-ins"),
    ("tablet", "teacher@example.org", "/teacher", "My action step"),
    ("laptop", "lead@example.org", "/coverage", "Coverage"),
    ("laptop", "admin@example.org", "/admin/", "Set-up"),
]


def test_sign_in_page_is_accessible_on_a_phone(demo, phone):
    phone.goto("/login")
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(phone, "login-phone")


@pytest.mark.parametrize("device, email, landing, heading", ACCOUNTS)
def test_each_role_lands_on_its_page(demo, request, device, email, landing, heading):
    page = request.getfixturevalue(device)
    sign_in(page, email)
    expect(page).to_have_url(re.compile(re.escape(landing) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page, f"landing-{email.split('@')[0]}-{device}")


def test_wrong_password_shows_one_clear_message(demo, phone):
    sign_in(phone, "coach@example.org", "wrong password")
    expect(phone.get_by_role("alert")).to_contain_text("do not match an active account")
    assert_accessible(phone, "login-error-phone")


def test_sign_out_returns_to_the_sign_in_page(demo, phone):
    sign_in(phone, "coach@example.org")
    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    phone.goto("/visits")
    expect(phone).to_have_url(re.compile(r"/login"))
