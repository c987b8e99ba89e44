"""A trust admin sets up single sign-on and the password switch (/admin/trusts/<id>/sign-in)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import g

from app.auth.links import make_token
from app.config import TestConfig
from app.extensions import db
from app.models import AuditEvent, Trust, User
from app.sso.client_secrets import client_secret
from app.sso.models import SsoConnection
from tests.conftest import Auth, csrf_token_from
from tests.factories import DEFAULT_PASSWORD, add_role, make_school, make_trust, make_user
from tests.sso.support import TENANT

SECRET = "s3cret-from-entra"


@pytest.fixture
def trust(app):
    trust = make_trust("Oak Trust")
    school = make_school(trust, "oak-primary")
    make_user("teacher@oak.example.org", "Tess Teacher", roles=[(school, "teacher")])
    admin = make_user("admin@oak.example.org", "Ada Admin")
    add_role(admin, trust, "admin")
    db.session.commit()
    return trust


@pytest.fixture
def admin(client, auth, trust):
    assert auth.login("admin@oak.example.org").status_code == 302
    url = f"/admin/trusts/{trust.id}/sign-in"
    token = csrf_token_from(client.get(url).get_data(as_text=True))

    def post(provider: str | None, path: str = "", **fields):
        data = {"csrf_token": token, **fields}
        if provider:
            data["provider"] = provider
            data = {
                (key if key in ("csrf_token", "provider") else f"{provider}-{key}"): value
                for key, value in data.items()
            }
        return client.post(url + path, data=data)

    return post


def signed_out(client):
    """Another browser. The test's app context outlives requests, so forget whom
    Flask-Login found for the last one."""
    for leftover in ("_login_user", "csrf_token"):
        g.pop(leftover, None)
    return client.application.test_client()


def connection(trust, provider) -> SsoConnection | None:
    return db.session.scalar(
        sa.select(SsoConnection).where(
            SsoConnection.trust_id == trust.id, SsoConnection.provider == provider
        )
    )


def errors(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def test_the_page_gives_the_redirect_url_to_register(client, admin, trust):
    page = client.get(f"/admin/trusts/{trust.id}/sign-in").get_data(as_text=True)
    assert "http://localhost/login/sso/callback" in page
    assert "Microsoft Entra ID" in page and "Google Workspace" in page


def test_microsoft_saved_with_its_secret_encrypted(client, admin, trust):
    response = admin(
        "microsoft",
        client_id="app-id",
        client_secret=SECRET,
        tenant_ids=TENANT.upper(),
        enabled="y",
    )
    assert response.status_code == 302
    saved = connection(trust, "microsoft")
    assert saved.enabled and saved.tenant_ids == [TENANT] and saved.client_id == "app-id"
    raw = db.session.execute(sa.text("SELECT * FROM sso_connection")).mappings().one()
    assert SECRET not in str(dict(raw)), "the secret is never in the database in plain text"
    assert client_secret(saved.client_secret_env, saved.client_secret_encrypted) == SECRET
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sso.saved"))
    assert event.details["secret_from"] == "database" and SECRET not in str(event.details)
    # Saving again without a secret keeps the one stored.
    admin("microsoft", client_id="app-id", tenant_ids=TENANT, enabled="y")
    assert client_secret("", connection(trust, "microsoft").client_secret_encrypted) == SECRET
    assert "Sign in with Microsoft" in signed_out(client).get("/login").get_data(as_text=True)


def test_secret_named_by_an_environment_variable(admin, trust):
    response = admin(
        "google",
        client_id="g-id",
        client_secret_env="dropin_sso_secret_google",
        hosted_domains="oak.example.org",
        enabled="y",
    )
    assert response.status_code == 302
    saved = connection(trust, "google")
    assert saved.client_secret_env == "DROPIN_SSO_SECRET_GOOGLE"
    assert saved.client_secret_encrypted == ""


def test_only_dropin_sso_variables_may_be_named(admin, trust):
    response = admin(
        "google", client_id="g", client_secret_env="SECRET_KEY", hosted_domains="a.org"
    )
    assert response.status_code == 422
    assert "Name a variable that starts with DROPIN_SSO_SECRET_" in errors(response)
    assert connection(trust, "google") is None


def test_without_an_encryption_key_a_secret_is_not_stored(app, admin, trust):
    app.config["SSO_ENCRYPTION_KEY"] = ""
    try:
        response = admin(
            "microsoft", client_id="a", client_secret=SECRET, tenant_ids=TENANT, enabled="y"
        )
    finally:
        app.config["SSO_ENCRYPTION_KEY"] = TestConfig.SSO_ENCRYPTION_KEY
    assert response.status_code == 422
    assert "This server has no SSO_ENCRYPTION_KEY" in errors(response)
    assert connection(trust, "microsoft") is None


@pytest.mark.parametrize(
    ("provider", "fields", "message"),
    [
        ("microsoft", {"client_id": "a", "client_secret": "b"}, "Enter your Entra ID tenant ID"),
        ("microsoft", {"tenant_ids": "oak-school"}, "oak-school is not a tenant ID"),
        ("microsoft", {"tenant_ids": TENANT, "client_secret": "b"}, "Enter the client ID"),
        ("google", {"client_id": "a", "client_secret": "b"}, "Enter your Google Workspace domain"),
        ("google", {"hosted_domains": "not a domain!"}, "Not a domain name: not, a, domain!"),
        ("google", {"client_id": "a", "hosted_domains": "oak.org"}, "Enter the client secret"),
        ("oidc", {"client_id": "a", "issuer_url": "http://login.example.org"}, "must start with"),
        ("oidc", {"client_id": "a", "issuer_url": "https://l.example.org"}, "email domains"),
    ],
)
def test_each_setting_is_checked_with_a_clear_message(admin, trust, provider, fields, message):
    response = admin(provider, enabled="y", **fields)
    assert response.status_code == 422
    assert message in errors(response)
    assert connection(trust, provider) is None


def test_password_sign_in_switch(client, auth, admin, trust):
    # Not without a provider switched on: staff would have no way in.
    response = admin(None, "/password")
    assert response.status_code == 422
    assert "Switch on sign-in with Microsoft, Google or your organisation first" in errors(response)
    assert db.session.get(Trust, trust.id).password_sign_in
    admin(
        "google", client_id="g", client_secret=SECRET, hosted_domains="oak.example.org", enabled="y"
    )
    assert admin(None, "/password").status_code == 302
    db.session.expire_all()
    assert not db.session.get(Trust, trust.id).password_sign_in
    # The last provider cannot be switched off while passwords are off.
    response = admin("google", client_id="g", hosted_domains="oak.example.org")
    assert response.status_code == 422
    assert "Switch password sign-in back on" in errors(response)

    response = Auth(signed_out(client)).login("teacher@oak.example.org")
    assert response.status_code == 403
    assert "Your trust signs in with its own accounts" in errors(response)
    # Invitation and reset links cannot set a password that could not be used.
    teacher = db.session.scalar(sa.select(User).where(User.email == "teacher@oak.example.org"))
    response = signed_out(client).get(f"/reset/{make_token(teacher, 'reset')}")
    assert response.status_code == 410
    assert "Your trust signs in with its own accounts" in errors(response)
    # Its admins keep their password: a provider outage never locks the trust out.
    assert Auth(signed_out(client)).login("admin@oak.example.org").status_code == 302


def test_password_sign_in_stays_for_people_of_a_trust_that_allows_it(app, auth):
    closed, open_ = make_trust("Closed"), make_trust("Open")
    closed.password_sign_in = False
    make_user(
        "both@example.org",
        roles=[(make_school(closed), "teacher"), (make_school(open_), "coach")],
    )
    db.session.commit()
    assert auth.login("both@example.org", DEFAULT_PASSWORD).status_code == 302
