"""The whole round trip over HTTP with a complete provider (oidc-provider-mock on
127.0.0.1), and SSO sessions following the same rules as password ones."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import g

from app.admin.services import set_active
from app.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import add_role, make_school, make_trust, make_user
from tests.sso.servers import MockProvider
from tests.sso.support import connect, signed_in_as

TESS = {"sub": "tess-123", "email": "teacher@oak.example.org", "email_verified": True}


@pytest.fixture(scope="module")
def provider():
    mock = MockProvider(users=[TESS])
    yield mock
    mock.stop()


@pytest.fixture
def oak(app, provider):
    trust = make_trust("Oak Trust")
    school = make_school(trust, "oak-primary")
    teacher = make_user("teacher@oak.example.org", "Tess Teacher", roles=[(school, "teacher")])
    admin = make_user("admin@oak.example.org", "Ada Admin")
    add_role(admin, trust, "admin")
    db.session.commit()
    connection = connect(trust, "oidc", issuer_url=provider.url, email_domains=["oak.example.org"])
    return {"trust": trust, "teacher": teacher, "admin": admin, "connection": connection}


def go_to_provider(client, connection, **query) -> str:
    response = client.get("/login/sso", query_string={"connection": connection.id, **query})
    assert response.status_code == 302
    return response.headers["Location"]


def come_back(client, provider, location: str, sub: str = "tess-123"):
    parts = urlsplit(provider.authorize(location, sub))
    assert parts.path == "/login/sso/callback"
    return client.get(f"{parts.path}?{parts.query}")


def sign_in_with_provider(client, provider, connection, **query):
    return come_back(client, provider, go_to_provider(client, connection, **query))


def test_round_trip_through_a_real_provider(client, oak, provider):
    response = sign_in_with_provider(client, provider, oak["connection"])
    assert response.status_code == 302 and response.headers["Location"] == "/teacher"
    assert signed_in_as(client) == "teacher@oak.example.org"


def test_only_the_latest_sign_in_under_way_can_finish(client, oak, provider):
    earlier = go_to_provider(client, oak["connection"])
    later = go_to_provider(client, oak["connection"])
    response = come_back(client, provider, earlier)
    assert response.status_code == 403 and signed_in_as(client) is None
    assert come_back(client, provider, later).status_code == 302
    assert signed_in_as(client) == "teacher@oak.example.org"


def test_sign_out_ends_an_sso_session(client, oak, provider):
    sign_in_with_provider(client, provider, oak["connection"])
    token = csrf_token_from(client.get("/teacher").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert signed_in_as(client) is None


def test_keep_me_signed_in_works_the_same(client, oak, provider):
    sign_in_with_provider(client, provider, oak["connection"], remember="1")
    assert client.get_cookie("remember_token") is not None
    other = client.application.test_client()
    g.pop("_login_user", None)
    sign_in_with_provider(other, provider, oak["connection"])
    assert other.get_cookie("remember_token") is None


def test_deactivation_ends_an_sso_session(client, oak, provider):
    sign_in_with_provider(client, provider, oak["connection"], remember="1")
    assert signed_in_as(client) == "teacher@oak.example.org"
    set_active(oak["admin"], oak["trust"], oak["teacher"], False)
    db.session.commit()
    assert signed_in_as(client) is None
    # The remember cookie does not bring it back either.
    client.delete_cookie("session")
    assert signed_in_as(client) is None


def test_an_sso_session_ends_on_the_server_at_sign_out(client, oak, provider):
    """A copy of the session cookie taken before signing out opens nothing after it."""
    sign_in_with_provider(client, provider, oak["connection"])
    copied = client.get_cookie("session").value
    token = csrf_token_from(client.get("/teacher").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    thief = client.application.test_client()
    thief.set_cookie("session", copied)
    g.pop("_login_user", None)
    assert signed_in_as(thief) is None
