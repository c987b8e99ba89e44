"""Sign-in, sign-out, sessions, CSRF, throttling and the security headers."""

import re

import pytest

from app import authz
from app.auth.services import WRONG_CREDENTIALS
from app.demo import seed_demo
from app.extensions import db
from tests.conftest import DEFAULT_PASSWORD, csrf_token_from
from tests.factories import make_school, make_trust, make_user

LANDING = {
    "coach@example.org": "/visits",
    "teacher@example.org": "/teacher",
    "teacher2@example.org": "/teacher",
    "lead@example.org": "/coverage",
    "admin@example.org": "/admin/",
}


@pytest.fixture
def demo(app):
    seed_demo(DEFAULT_PASSWORD)


@pytest.mark.parametrize("email, landing", LANDING.items())
def test_every_demo_account_signs_in_and_lands_on_its_page(demo, client, auth, email, landing):
    response = auth.login(email)
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    page = client.get(landing)
    assert page.status_code == 200
    assert b"Sign out" in page.data


def test_login_form_has_the_contract_fields(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in html
    assert 'name="password"' in html
    assert 'name="csrf_token" type="hidden"' in html
    assert '<meta name="csrf-token" content="' in html


def test_wrong_password_and_inactive_account_get_the_same_message(app, client, auth):
    school = make_school(make_trust())
    make_user("active@example.test", roles=[(school, "teacher")])
    make_user("gone@example.test", active=False, roles=[(school, "teacher")])
    db.session.commit()

    wrong_password = auth.login("active@example.test", "not the password")
    inactive = auth.login("gone@example.test", DEFAULT_PASSWORD)
    unknown = auth.login("nobody@example.test", DEFAULT_PASSWORD)

    for response in (wrong_password, inactive, unknown):
        assert response.status_code == 401
        assert WRONG_CREDENTIALS in response.get_data(as_text=True)
    assert client.get("/teacher").status_code == 302  # still signed out


def test_email_is_matched_whatever_its_case(app, auth):
    school = make_school(make_trust())
    make_user("mixed@example.test", roles=[(school, "teacher")])
    db.session.commit()
    assert auth.login("  Mixed@Example.TEST ").status_code == 302


def test_sign_in_without_csrf_token_is_refused(app, client):
    school = make_school(make_trust())
    make_user("t@example.test", roles=[(school, "teacher")])
    db.session.commit()
    response = client.post("/login", data={"email": "t@example.test", "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert client.get("/teacher").status_code == 302


def test_empty_form_says_what_is_missing(client, auth):
    response = client.post("/login", data={"csrf_token": auth.csrf_token()})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter your email address." in html
    assert "Enter your password." in html


def test_sign_out_is_a_post_with_csrf(app, client, auth):
    school = make_school(make_trust())
    make_user("t@example.test", roles=[(school, "teacher")])
    db.session.commit()
    auth.login("t@example.test")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no token
    token = csrf_token_from(client.get("/teacher").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/teacher").status_code == 302


def test_keep_me_signed_in_sets_a_long_lived_httponly_cookie(app, client, auth):
    school = make_school(make_trust())
    make_user("c@example.test", roles=[(school, "coach")])
    db.session.commit()
    response = auth.login("c@example.test", remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember
    assert "SameSite=Lax" in remember
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session


def test_without_keep_me_signed_in_there_is_no_remember_cookie(app, auth):
    school = make_school(make_trust())
    make_user("c@example.test", roles=[(school, "coach")])
    db.session.commit()
    response = auth.login("c@example.test")
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_repeated_failures_are_slowed_per_account_then_released(app, client, auth):
    school = make_school(make_trust())
    make_user("t@example.test", roles=[(school, "teacher")])
    db.session.commit()
    for _ in range(app.config["LOGIN_FAILURES_PER_ACCOUNT"]):
        assert auth.login("t@example.test", "guess").status_code == 401
    throttled = auth.login("t@example.test", DEFAULT_PASSWORD)
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.get_data(as_text=True)

    app.config["LOGIN_COOLDOWN"] = app.config["LOGIN_COOLDOWN"] * 0  # the minute has passed
    try:
        assert auth.login("t@example.test", DEFAULT_PASSWORD).status_code == 302
    finally:
        app.config["LOGIN_COOLDOWN"] = type(app.config["LOGIN_FAILURE_WINDOW"])(minutes=1)


def test_failures_from_a_shared_address_never_stop_a_colleague(app, auth):
    """A school's staff share one address: guessing there slows the guesser (one try per
    account once the address is over its limit), never a colleague with her password."""
    school = make_school(make_trust())
    make_user("real@example.test", roles=[(school, "teacher")])
    make_user("guessed@example.test", roles=[(school, "teacher")])
    db.session.commit()
    for number in range(app.config["LOGIN_FAILURES_PER_ADDRESS"]):
        auth.login(f"guess{number}@example.test", "guess")
    assert auth.login("guessed@example.test", "guess").status_code == 401
    assert auth.login("guessed@example.test", "guess again").status_code == 429
    assert auth.login("guess0@example.test", "guess").status_code == 429
    assert auth.login("real@example.test").status_code == 302


def test_next_parameter_only_goes_to_this_site(app, client, auth):
    school = make_school(make_trust())
    make_user("t@example.test", roles=[(school, "teacher")])
    db.session.commit()
    token = auth.csrf_token()
    form = {"email": "t@example.test", "password": DEFAULT_PASSWORD, "csrf_token": token}
    response = client.post("/login?next=//evil.example/x", data=form)
    assert response.headers["Location"] == "/teacher"


def test_pages_need_sign_in_and_redirect_to_login(client):
    for path in ("/visits", "/teacher", "/coverage", "/admin/", "/visits/new"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_htmx_requests_without_sign_in_are_told_to_load_the_login_page(client):
    response = client.get("/visits", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_api_without_sign_in_answers_401_json_never_a_redirect(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.is_json
    assert "Location" not in response.headers


def test_security_headers_on_every_response(client):
    for path in ("/login", "/api/v1/me", "/no-such-page", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_a_header_the_view_set_is_kept_and_each_header_is_sent_once(client):
    headers = client.get("/reset/not-a-real-token").headers
    assert headers.getlist("Referrer-Policy") == ["no-referrer"]
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"):
        assert len(headers.getlist(name)) == 1, name


def test_pages_are_never_stored_by_shared_caches(client):
    assert "private" in client.get("/login").headers["Cache-Control"]


def test_pages_have_no_inline_script_or_style(demo, client, auth):
    auth.login("coach@example.org")
    html = client.get("/visits").get_data(as_text=True)
    assert "<script>" not in html and "<script " not in html.replace("<script src=", "")
    assert " style=" not in html and "<style" not in html


def test_health_check_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


NAV = re.compile(r'<nav class="topnav" aria-label="Main">(.*?)</nav>', re.S)
NAV_LINK = re.compile(r'<a href="[^"]+"[^>]*>([^<]+)</a>')
NAV_BY_ACCOUNT = {
    "coach@example.org": ["Drop-ins", "New drop-in", "Emails", "Your data"],
    "teacher@example.org": ["My step", "Emails", "Your data"],
    "lead@example.org": ["New drop-in", "Coverage", "Export", "Emails", "Your data"],
    "admin@example.org": ["Admin", "Your data"],
}


def nav_labels(html: str) -> list[str]:
    (nav,) = NAV.findall(html)
    return NAV_LINK.findall(nav)


@pytest.mark.parametrize("email, labels", NAV_BY_ACCOUNT.items())
def test_the_navigation_offers_each_role_its_sections(demo, client, auth, email, labels):
    landing = auth.login(email).headers["Location"]
    assert nav_labels(client.get(landing).get_data(as_text=True)) == labels


def test_someone_with_no_role_is_offered_no_section(app, client, auth):
    nobody = make_user("no-role-yet@example.test")
    db.session.commit()
    assert auth.login("no-role-yet@example.test").headers["Location"] == "/no-role"
    page = client.get("/no-role").get_data(as_text=True)
    assert nav_labels(page) == [] and "Sign out" in page
    assert authz.reachable_sections(nobody) == [] and authz.landing_section(nobody) is None
