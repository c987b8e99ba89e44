"""Signing in with the trust's own accounts in Chromium, through a real OpenID Connect
provider on 127.0.0.1 (oidc-provider-mock), on a coach's phone and an admin's laptop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Trust
from tests.browser.conftest import assert_accessible, sign_in
from tests.sso.servers import MockProvider
from tests.sso.support import connect

USERS = [
    {"sub": "tess", "email": "teacher@example.org", "email_verified": True},
    {"sub": "stranger", "email": "stranger@example.org", "email_verified": True},
]
#: Everything the browser asks for stays on 127.0.0.1 (the provider's page links a CDN).
NOT_LOCAL = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


@pytest.fixture(scope="module")
def provider():
    mock = MockProvider(users=USERS)
    yield mock
    mock.stop()


@pytest.fixture
def demo_sso(demo, provider):
    trust = db.session.scalar(db.select(Trust).where(Trust.name == "Demo Trust"))
    connect(trust, "oidc", issuer_url=provider.url, email_domains=["example.org"])
    return trust


def local_only(page):
    page.context.route(NOT_LOCAL, lambda route: route.abort())
    return page


def test_a_teacher_signs_in_with_the_school_account_on_a_phone(demo_sso, phone):
    local_only(phone).goto("/login")
    button = phone.get_by_role("link", name="Sign in with your organisation's account")
    expect(button).to_be_visible()
    assert button.get_attribute("target") is None  # same window: stays in the installed app
    assert_accessible(phone, "login-sso-phone")
    phone.get_by_label("Keep me signed in on this device").check()
    button.click()
    phone.get_by_role("button", name="tess", exact=True).click()
    expect(phone).to_have_url(re.compile(r"/teacher$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("My action step")
    cookies = {cookie["name"] for cookie in phone.context.cookies()}
    assert "remember_token" in cookies


def test_someone_without_an_account_is_told_why_on_the_sign_in_page(demo_sso, phone):
    local_only(phone).goto("/login")
    phone.get_by_role("link", name="Sign in with your organisation's account").click()
    phone.get_by_role("button", name="stranger", exact=True).click()
    expect(phone).to_have_url(re.compile(r"/login/sso/callback"))
    expect(phone.get_by_role("alert")).to_contain_text(
        "There is no Dropin account for stranger@example.org in Demo Trust"
    )
    assert_accessible(phone, "login-sso-refused-phone")
    phone.goto("/teacher")
    expect(phone).to_have_url(re.compile(r"/login"))


def test_an_admin_sets_up_google_on_a_laptop(demo, laptop):
    sign_in(laptop, "admin@example.org")
    laptop.get_by_role("link", name="Sign-in").first.click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Sign-in")
    expect(
        laptop.get_by_text(re.compile(r"http://127\.0\.0\.1:\d+/login/sso/callback"))
    ).to_be_visible()
    assert_accessible(laptop, "admin-sign-in-laptop")
    google = laptop.get_by_role("region", name="Google Workspace")
    google.get_by_label("Client ID").fill("1234.apps.googleusercontent.com")
    google.get_by_label("Client secret").fill("GOCSPX-secret")
    google.get_by_label("Show this button on the sign-in page").check()
    google.get_by_role("button", name="Save Google settings").click()
    google = laptop.get_by_role("region", name="Google Workspace")
    expect(google.get_by_text("Enter your Google Workspace domain")).to_be_visible()
    assert_accessible(laptop, "admin-sign-in-error-laptop")
    google.get_by_label("Google Workspace domains allowed").fill("example.org")
    google.get_by_label("Client secret").fill("GOCSPX-secret")
    google.get_by_role("button", name="Save Google settings").click()
    expect(
        laptop.get_by_role("status").filter(has_text="Saved the Google settings.")
    ).to_be_visible()
    laptop.get_by_role("button", name="Sign out").click()
    expect(laptop.get_by_role("link", name="Sign in with Google")).to_be_visible()
