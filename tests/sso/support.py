"""Fixtures and steps shared by the single sign-on tests."""

from __future__ import annotations

import secrets

from flask import g

from app.extensions import db
from app.sso.client_secrets import encrypt_secret
from app.sso.models import SsoConnection
from tests.sso.servers import CLIENT_ID, CLIENT_SECRET, Grant, authorize_params

TENANT = "6f1c3b1e-8d4a-4c1e-9a59-0d6b8a6c2f10"
OTHER_TENANT = "0b3f6a9e-2c4d-4e8f-8a1b-7c6d5e4f3a21"


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
    for leftover in ("_login_user", "csrf_token"):
        g.pop(leftover, None)
    response = client.get("/api/v1/me")
    return response.get_json()["email"] if response.status_code == 200 else None
