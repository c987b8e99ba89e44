"""Sign-out means signed out, on the server (issue 11, sessions).

Each request here runs in its own app context, as on a real server: the test app's shared
context would otherwise keep the previous request's user in `g` and hide what the cookies
alone achieve.
"""

from __future__ import annotations

import pytest
from flask import Flask

from app.auth.links import make_token
from app.extensions import db
from tests.conftest import DEFAULT_PASSWORD, csrf_token_from
from tests.factories import add_role, make_school, make_trust, make_user


class Browser:
    """A test client whose every request is on its own, like a device talking to a server."""

    def __init__(self, app: Flask):
        self.app = app
        self.client = app.test_client()

    def request(self, method: str, path: str, **kwargs):
        with self.app.app_context():
            return self.client.open(path, method=method, **kwargs)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def csrf(self, path: str = "/login") -> str:
        return csrf_token_from(self.get(path, follow_redirects=True).get_data(as_text=True))

    def sign_in(self, email: str, remember: bool = False, password: str = DEFAULT_PASSWORD):
        form = {"email": email, "password": password, "csrf_token": self.csrf()}
        if remember:
            form["remember"] = "y"
        response = self.post("/login", data=form)
        assert response.status_code == 302
        return response

    def sign_out(self):
        return self.post("/logout", data={"csrf_token": self.csrf("/teacher")})

    def cookies(self) -> dict[str, str]:
        return {
            name: self.client.get_cookie(name).value
            for name in ("session", "remember_token")
            if self.client.get_cookie(name) is not None
        }

    def use_cookies(self, cookies: dict[str, str]) -> None:
        for name in ("session", "remember_token"):
            self.client.delete_cookie(name)
        for name, value in cookies.items():
            self.client.set_cookie(name, value)

    def signed_in(self) -> bool:
        answer = self.get("/api/v1/me")
        assert answer.status_code in (200, 401)
        return answer.status_code == 200


@pytest.fixture
def teacher(app):
    school = make_school(make_trust("Trust"), "s1")
    user = make_user("tia@example.org", roles=[(school, "teacher")])
    admin = make_user("ada@example.org")
    add_role(admin, school.trust, "admin")
    db.session.commit()
    return user


def test_a_copy_of_the_cookies_is_refused_after_sign_out(app, teacher):
    device = Browser(app)
    device.sign_in("tia@example.org", remember=True)
    copy = device.cookies()
    assert device.signed_in()
    device.sign_out()
    thief = Browser(app)
    thief.use_cookies(copy)
    assert not thief.signed_in()
    thief.use_cookies({"remember_token": copy["remember_token"]})
    assert not thief.signed_in()


def test_the_remember_cookie_changes_at_each_sign_in(app, teacher):
    first, second = Browser(app), Browser(app)
    first.sign_in("tia@example.org", remember=True)
    second.sign_in("tia@example.org", remember=True)
    assert first.cookies()["remember_token"] != second.cookies()["remember_token"]
    second.sign_out()
    assert first.signed_in()  # signing out on one device leaves the others alone


def test_a_password_reset_signs_out_every_device(app, teacher):
    phone, laptop = Browser(app), Browser(app)
    phone.sign_in("tia@example.org", remember=True)
    laptop.sign_in("tia@example.org")
    path = f"/reset/{make_token(teacher, 'reset')}"
    person = Browser(app)
    form = {"password": "a brand new password", "confirm": "a brand new password"}
    assert person.post(path, data={**form, "csrf_token": person.csrf(path)}).status_code == 302
    assert not phone.signed_in() and not laptop.signed_in()
    assert person.signed_in()


def test_deactivation_signs_out_every_device(app, teacher):
    phone = Browser(app)
    phone.sign_in("tia@example.org", remember=True)
    admin = Browser(app)
    admin.sign_in("ada@example.org")
    school_id = teacher.memberships[0].school_id
    answer = admin.post(
        f"/admin/schools/{school_id}/staff/{teacher.id}/active",
        data={"active": "no"},
        headers={"X-CSRFToken": admin.csrf("/admin/")},
    )
    assert answer.status_code == 200
    assert not phone.signed_in()


def test_the_csrf_secret_is_renewed_at_sign_in(app, teacher):
    device = Browser(app)
    before = device.csrf()
    device.sign_in("tia@example.org")
    stale = device.post("/logout", data={"csrf_token": before})
    assert stale.status_code == 400
    assert device.signed_in()


def test_sign_out_keeps_its_contract(app, teacher):
    device = Browser(app)
    device.sign_in("tia@example.org")
    answer = device.sign_out()
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert device.get("/api/v1/me").status_code == 401
