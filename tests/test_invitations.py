"""One-time, expiring sign-in links: invitations and password resets."""

from __future__ import annotations

import time
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
import sqlalchemy as sa

from app.auth import links as invitations
from app.extensions import db
from app.models import User
from tests.conftest import csrf_token_from
from tests.factories import add_role, make_school, make_trust, make_user

NEW_PASSWORD = "a long new password"  # noqa: S105


@pytest.fixture
def invited(app):
    """A person added by an admin: a role, no password yet."""
    school = make_school(make_trust())
    person = make_user("new@example.org", name="Nia New", roles=[(school, "teacher")])
    person.password_hash = None
    db.session.commit()
    return person


def path_of(token: str, purpose: str = "invite") -> str:
    return f"/{purpose}/{token}"


def set_password(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    page = client.get(path)
    if page.status_code != 200:
        return page
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(
        path, data={"password": password, "confirm": confirm or password, "csrf_token": token}
    )


def test_invitation_sets_the_password_once_then_is_dead(invited, client, auth):
    path = path_of(invitations.make_token(invited, "invite"))

    first = set_password(client, path)

    assert first.status_code == 302  # signed in and sent to their page
    assert invited.check_password(NEW_PASSWORD)
    auth.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert invitations.USED in again.get_data(as_text=True)
    replay = client.post(
        path,
        data={
            "password": "another password!",
            "confirm": "another password!",
            "csrf_token": auth.csrf_token(),
        },
    )
    assert replay.status_code == 410
    db.session.refresh(invited)
    assert invited.check_password(NEW_PASSWORD)
    assert auth.login("new@example.org", NEW_PASSWORD).status_code == 302


def test_an_expired_invitation_is_refused_with_a_clear_message(invited, app, client):
    eight_days_ago = int(time.time()) - 8 * 24 * 3600
    path = path_of(invitations.make_token(invited, "invite", issued_at=eight_days_ago))

    response = client.get(path)

    assert response.status_code == 410
    assert invitations.EXPIRED in response.get_data(as_text=True)
    assert invited.password_hash is None


def test_the_lifetime_comes_from_configuration(invited, app, client):
    two_hours_ago = int(time.time()) - 2 * 3600
    path = path_of(invitations.make_token(invited, "invite", issued_at=two_hours_ago))
    assert client.get(path).status_code == 200
    app.config["INVITATION_MAX_AGE"] = timedelta(hours=1)
    try:
        assert client.get(path).status_code == 410
    finally:
        del app.config["INVITATION_MAX_AGE"]


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-3] + "abc",  # signature does not match
        lambda token: "not-a-token",
        lambda token: token.replace(".", "", 1),
    ],
)
def test_a_tampered_link_is_refused_not_a_500(invited, client, mangle):
    response = client.get(path_of(mangle(invitations.make_token(invited, "invite"))))
    assert response.status_code == 410
    assert invitations.INVALID in response.get_data(as_text=True)


def test_an_invitation_is_not_a_reset_link(invited, client):
    token = invitations.make_token(invited, "invite")
    assert client.get(path_of(token, "reset")).status_code == 410


def test_a_deactivated_person_cannot_use_their_link(invited, client):
    token = invitations.make_token(invited, "invite")
    invited.active = False
    db.session.commit()
    assert client.get(path_of(token)).status_code == 410


def test_password_rules_are_shown_at_the_field(invited, client):
    path = path_of(invitations.make_token(invited, "invite"))
    short = set_password(client, path, "short")
    assert short.status_code == 422
    assert "Use at least 10 characters." in short.get_data(as_text=True)
    mismatch = set_password(client, path, NEW_PASSWORD, "something else entirely")
    assert mismatch.status_code == 422
    assert "The two passwords are not the same." in mismatch.get_data(as_text=True)
    assert invited.password_hash is None


def test_reset_link_replaces_the_password_and_dies(app, client, auth):
    school = make_school(make_trust())
    person = make_user("old@example.org", roles=[(school, "teacher")])
    db.session.commit()
    path = path_of(invitations.make_token(person, "reset"), "reset")

    assert set_password(client, path).status_code == 302
    auth.logout()

    assert auth.login("old@example.org", NEW_PASSWORD).status_code == 302
    auth.logout()
    assert client.get(path).status_code == 410


def test_without_email_the_reset_page_sends_people_to_their_admin(app, client):
    page = client.get("/password-reset")
    assert page.status_code == 200
    assert "Ask your school's Dropin administrator" in page.get_data(as_text=True)


def test_reset_request_says_the_same_for_known_and_unknown_addresses(app, client):
    school = make_school(make_trust())
    make_user("known@example.org", roles=[(school, "teacher")])
    db.session.commit()
    app.config["SMTP_HOST"] = "127.0.0.1"
    app.config["SMTP_PORT"] = 9  # nothing listens: delivery fails quietly, no 500
    try:
        answers = []
        for email in ("known@example.org", "nobody@example.org"):
            token = csrf_token_from(client.get("/password-reset").get_data(as_text=True))
            response = client.post("/password-reset", data={"email": email, "csrf_token": token})
            assert response.status_code == 200
            answers.append(response.get_data(as_text=True).replace(email, "EMAIL"))
    finally:
        app.config["SMTP_HOST"] = None
    assert answers[0] == answers[1]
    assert "we have emailed it a link" in answers[0]


class MailCatcher:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""

    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(app):
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    catcher = MailCatcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    yield catcher
    app.config["SMTP_HOST"] = None
    controller.stop()


def test_with_smtp_the_invitation_is_emailed_and_its_link_works(app, client, auth, smtp_server):
    trust = make_trust()
    school = make_school(trust)
    admin = make_user("admin@example.org")
    add_role(admin, trust, "admin")
    db.session.commit()
    auth.login("admin@example.org")
    token = auth.page_csrf_token("/admin/")

    response = client.post(
        f"/admin/schools/{school.id}/staff",
        headers={"HX-Request": "true", "X-CSRFToken": token},
        data={
            "staff-email": "mia.mail@example.org",
            "staff-name": "Mia Mail",
            "staff-roles": ["teacher"],
        },
    )

    assert response.status_code == 200
    assert "We emailed Mia Mail a link" in response.get_data(as_text=True)
    assert "/invite/" not in response.get_data(as_text=True)
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["mia.mail@example.org"]
    email = message_from_bytes(envelope.content, policy=default_policy)
    assert email["Subject"] == "Your Dropin account"
    body = email.get_content()
    link = next(word for word in body.split() if "/invite/" in word)
    auth.logout()
    assert set_password(client, link.replace("http://localhost", "")).status_code == 302
    mia = db.session.scalar(sa.select(User).where(User.email == "mia.mail@example.org"))
    assert mia.check_password(NEW_PASSWORD)


def test_with_smtp_a_reset_request_emails_a_reset_link(app, client, smtp_server):
    school = make_school(make_trust())
    make_user("known@example.org", roles=[(school, "teacher")])
    db.session.commit()
    token = csrf_token_from(client.get("/password-reset").get_data(as_text=True))
    client.post("/password-reset", data={"email": "Known@Example.org", "csrf_token": token})
    client.post("/password-reset", data={"email": "nobody@example.org", "csrf_token": token})
    assert [envelope.rcpt_tos for envelope in smtp_server.messages] == [["known@example.org"]]
    email = message_from_bytes(smtp_server.messages[0].content, policy=default_policy)
    assert "/reset/" in email.get_content()
