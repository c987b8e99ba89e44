"""Fixtures of the single sign-on tests: the token mint on 127.0.0.1 and Oak Trust."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories import add_role, make_school, make_trust, make_user
from tests.sso.servers import TokenMint
from tests.sso.support import TENANT, connect


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
