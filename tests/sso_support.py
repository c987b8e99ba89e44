"""Fixtures and steps shared by the single sign-on tests."""

from __future__ import annotations

import secrets

import pytest
from flask import g

from app.extensions import db
from app.sso.client_secrets import encrypt_secret
from app.sso.models import SsoConnection
from tests.factories import add_role, make_school, make_trust, make_user
from tests.oidc_servers import CLIENT_ID, CLIENT_SECRET, Grant, TokenMint, authorize_params

TENANT = "6f1c3b1e-8d4a-4c1e-9a59-0d6b8a6c2f10"
OTHER_TENANT = "0b3f6a9e-2c4d-4e8f-8a1b-7c6d5e4f3a21"


@pytest.fixture(scope="module")
def mint():
    server = TokenMint().start()
    yield server
    server.stop()


@pytest.fixture
def sso_app(app, mint):
    """The app with Microsoft's and Google's addresses pointed at the token mint."""
    saved = {key: app.config[key] for key in ("SSO_MICROSOFT_AUTHORITY", "SSO_GOOGLE_ISSUER")}
    app.config.update(
        SSO_MICROSOFT_AUTHORITY=f"{mint.url}/ms", SSO_GOOGLE_ISSUER=f"{mint.url}/google"
    )
    yield app
    app.config.update(saved)


def connect(trust, provider: str, **fields) -> SsoConnection:
    connection = SsoConnection(
        trust_id=trust.id,
        provider=provider,
        client_id=CLIENT_ID,
        client_secret_encrypted=encrypt_secret(CLIENT_SECRET),
        **fields,
    )
    db.session.add(connection)
    db.session.commit()
    return connection


@pytest.fixture
def oak(sso_app, mint):
    """Oak Trust with a teacher, a switched-off colleague, and its three providers; Elm
    Trust has a person whose address is at Oak's domain but who has no role at Oak."""
    trust = make_trust("Oak Trust")
    school = make_school(trust, "oak-primary", name="Oak Primary")
    teacher = make_user("teacher@oak.example.org", "Tess Teacher", roles=[(school, "teacher")])
    make_user("gone@oak.example.org", "Gone Person", active=False, roles=[(school, "coach")])
    admin = make_user("admin@oak.example.org", "Ada Admin")
    add_role(admin, trust, "admin")
    elm = make_trust("Elm Trust")
    make_user("visitor@oak.example.org", "Elm Visitor", roles=[(make_school(elm), "teacher")])
    db.session.commit()
    return {
        "trust": trust,
        "school": school,
        "teacher": teacher,
        "admin": admin,
        "oidc": connect(
            trust, "oidc", issuer_url=f"{mint.url}/generic", email_domains=["oak.example.org"]
        ),
        "microsoft": connect(trust, "microsoft", tenant_ids=[TENANT]),
        "google": connect(trust, "google", hosted_domains=["oak.example.org"]),
    }


def start(client, connection, **query) -> dict:
    """Press the button: our app sends the browser to the provider's authorize page."""
    response = client.get("/login/sso", query_string={"connection": connection.id, **query})
    assert response.status_code == 302, response.get_data(as_text=True)
    return authorize_params(response.headers["Location"])


def finish(client, mint, authorize: dict, claims: dict, **grant):
    """The provider sends the browser back with a code; the app redeems it at the mint."""
    code = secrets.token_urlsafe(8)
    mint.grants[code] = Grant(claims=claims, challenge=authorize["code_challenge"], **grant)
    return client.get(
        "/login/sso/callback", query_string={"code": code, "state": authorize["state"]}
    )


def signed_in_as(client) -> str | None:
    # The test's app context (and so flask.g) outlives each request: forget whom
    # Flask-Login found for the previous one, so this asks the cookies afresh.
    g.pop("_login_user", None)
    response = client.get("/api/v1/me")
    return response.get_json()["email"] if response.status_code == 200 else None
