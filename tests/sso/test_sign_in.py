"""Single sign-on over HTTP against a real provider on 127.0.0.1 (the token mint): every
check of the ID token, and who gets in. Each refusal shows its reason and leaves nobody
signed in."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from joserfc.jwk import RSAKey

from app.extensions import db
from app.sso.models import SsoIdentity
from tests.sso.servers import standard_claims
from tests.sso.support import OTHER_TENANT, TENANT, finish, signed_in_as, start


def sign_in_through(client, mint, connection, issuer_path: str, **claims):
    authorize = start(client, connection)
    issuer = mint.issuer(issuer_path)
    return finish(client, mint, authorize, standard_claims(authorize, issuer, **claims))


def refused(response, message: str, client) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 403, body
    assert message in body.replace("&#39;", "'")
    assert signed_in_as(client) is None


def test_sign_in_with_a_generic_provider(client, oak, mint):
    authorize = start(client, oak["oidc"])
    assert authorize["code_challenge_method"] == "S256" and authorize["code_challenge"]
    assert authorize["nonce"] and authorize["state"]
    assert authorize["redirect_uri"] == "http://localhost/login/sso/callback"
    claims = standard_claims(authorize, mint.issuer("/generic"), email="Teacher@Oak.Example.org")
    response = finish(client, mint, authorize, claims)
    assert response.status_code == 302
    assert response.headers["Location"] == "/teacher"
    assert signed_in_as(client) == "teacher@oak.example.org"
    assert mint.token_requests[-1]["code_verifier"]  # PKCE: the verifier went with the code
    identity = db.session.scalar(sa.select(SsoIdentity))
    assert (identity.user_id, identity.subject) == (oak["teacher"].id, "subject-1")
    assert identity.issuer == mint.issuer("/generic")


def test_the_page_asked_for_goes_along(client, oak, mint):
    authorize = start(client, oak["oidc"], next="/teacher/history")
    response = finish(client, mint, authorize, standard_claims(authorize, mint.issuer("/generic")))
    assert response.headers["Location"] == "/teacher/history"


def test_sign_in_page_shows_the_trusts_providers(client, oak):
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Microsoft" in page and "Sign in with Google" in page
    assert "Sign in with your organisation&#39;s account" in page
    assert 'name="password"' in page  # the contract's form stays


def test_microsoft_accounts_of_the_allowed_tenant_get_in(client, oak, mint):
    # Entra ID leaves email_verified out; the sign-in name is in the tenant's own domain.
    path = f"/ms/{TENANT}/v2.0"
    response = sign_in_through(
        client,
        mint,
        oak["microsoft"],
        path,
        tid=TENANT,
        email=None,
        email_verified=None,
        preferred_username="teacher@oak.example.org",
    )
    assert response.status_code == 302
    assert signed_in_as(client) == "teacher@oak.example.org"


def test_microsoft_with_several_tenants_checks_the_issuer_of_the_tokens_tenant(client, oak, mint):
    oak["microsoft"].tenant_ids = [OTHER_TENANT, TENANT]
    db.session.commit()
    authorize = start(client, oak["microsoft"])
    issuer = mint.issuer("/ms/organizations/v2.0").replace("{tenantid}", TENANT)
    claims = standard_claims(
        authorize,
        issuer,
        tid=TENANT,
        email_verified=None,
        preferred_username="teacher@oak.example.org",
    )
    assert finish(client, mint, authorize, claims).status_code == 302
    assert signed_in_as(client) == "teacher@oak.example.org"
    # A token whose issuer names another tenant than its tid is refused.
    authorize = start(client, oak["microsoft"])
    claims = standard_claims(authorize, issuer, tid=OTHER_TENANT, sub="s2")
    response = finish(client.application.test_client(), mint, authorize, claims)
    assert response.status_code == 403


def test_refused_wrong_tenant(client, oak, mint):
    response = sign_in_through(
        client, mint, oak["microsoft"], f"/ms/{TENANT}/v2.0", tid=OTHER_TENANT
    )
    refused(response, "belongs to an organisation Oak Trust has not allowed", client)


def test_refused_wrong_google_domain(client, oak, mint):
    response = sign_in_through(client, mint, oak["google"], "/google", hd="gmail.com")
    refused(response, "is not one of Oak Trust's Google Workspace accounts", client)
    response = sign_in_through(client, mint, oak["google"], "/google")  # personal: no hd
    refused(response, "is not one of Oak Trust's Google Workspace accounts", client)


def test_refused_wrong_email_domain(client, oak, mint):
    response = sign_in_through(
        client, mint, oak["oidc"], "/generic", email="teacher@elsewhere.example.org"
    )
    refused(
        response,
        "teacher@elsewhere.example.org is not an address Oak Trust allows (oak.example.org)",
        client,
    )


def test_refused_unverified_email(client, oak, mint):
    response = sign_in_through(
        client, mint, oak["google"], "/google", hd="oak.example.org", email_verified=False
    )
    refused(response, "Google has not verified that account's email address", client)


def test_refused_no_account(client, oak, mint):
    response = sign_in_through(client, mint, oak["oidc"], "/generic", email="new@oak.example.org")
    refused(response, "There is no Dropin account for new@oak.example.org in Oak Trust", client)
    assert db.session.scalar(sa.select(sa.func.count(SsoIdentity.id))) == 0


def test_refused_deactivated_account(client, oak, mint):
    response = sign_in_through(client, mint, oak["oidc"], "/generic", email="gone@oak.example.org")
    refused(response, "The Dropin account for gone@oak.example.org is switched off", client)


def test_refused_account_only_in_another_trust(client, oak, mint):
    response = sign_in_through(
        client, mint, oak["oidc"], "/generic", email="visitor@oak.example.org"
    )
    refused(response, "There is no Dropin account for visitor@oak.example.org in Oak Trust", client)


CHECK_FAILED = "answer did not pass our checks, so you have not been signed in"


def test_refused_bad_signature(client, oak, mint):
    authorize = start(client, oak["oidc"])
    claims = standard_claims(authorize, mint.issuer("/generic"))
    forger = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    response = finish(client, mint, authorize, claims, sign_with=forger)
    refused(response, CHECK_FAILED, client)


@pytest.mark.parametrize(
    "broken",
    [
        {"aud": "someone-elses-app"},
        {"exp": int(time.time()) - 600, "iat": int(time.time()) - 900},
        {"nonce": None},
        {"nonce": "not-the-nonce-we-sent"},
        {"iss": "http://127.0.0.1:1/another-issuer"},
        {"sub": None},
    ],
    ids=["wrong-audience", "expired", "missing-nonce", "wrong-nonce", "wrong-issuer", "no-sub"],
)
def test_refused_token_that_fails_a_check(client, oak, mint, broken):
    response = sign_in_through(client, mint, oak["oidc"], "/generic", **broken)
    refused(response, CHECK_FAILED, client)


def test_refused_answer_without_id_token(client, oak, mint):
    authorize = start(client, oak["oidc"])
    claims = standard_claims(authorize, mint.issuer("/generic"))
    response = finish(client, mint, authorize, claims, with_id_token=False)
    refused(response, CHECK_FAILED, client)


def test_refused_replayed_state(client, oak, mint):
    authorize = start(client, oak["oidc"])
    claims = standard_claims(authorize, mint.issuer("/generic"))
    assert finish(client, mint, authorize, claims).status_code == 302
    # The same answer again, in another browser (no sign-in under way there)…
    other = client.application.test_client()
    response = finish(other, mint, authorize, claims)
    refused(response, "This sign-in link has already been used or has expired", other)
    # …and in the same browser, after it was used.
    response = finish(client, mint, authorize, claims)
    assert response.status_code == 403
    assert "already been used" in response.get_data(as_text=True)


def test_refused_state_of_another_sign_in(client, oak, mint):
    authorize = start(client, oak["oidc"])
    claims = standard_claims(authorize, mint.issuer("/generic"))
    response = finish(client, mint, {**authorize, "state": "forged"}, claims)
    refused(response, "already been used or has expired", client)


def test_refused_when_the_person_cancels_at_the_provider(client, oak):
    authorize = start(client, oak["oidc"])
    response = client.get(
        "/login/sso/callback", query_string={"error": "access_denied", "state": authorize["state"]}
    )
    refused(response, "Sign-in with your organisation was cancelled or refused", client)


def test_the_subject_is_remembered_and_an_address_moved_to_someone_else_opens_nothing(
    client, oak, mint
):
    assert sign_in_through(client, mint, oak["oidc"], "/generic").status_code == 302
    # The teacher's address changes at the provider: the same subject still gets in.
    other = client.application.test_client()
    response = sign_in_through(other, mint, oak["oidc"], "/generic", email="tess@oak.example.org")
    assert response.status_code == 302 and signed_in_as(other) == "teacher@oak.example.org"
    # Someone else is given the old address: a different subject is refused.
    stranger = client.application.test_client()
    response = sign_in_through(stranger, mint, oak["oidc"], "/generic", sub="subject-2")
    refused(response, "is linked to a different your organisation account", stranger)


def test_staff_imported_from_csv_sign_in_straight_away(client, oak, mint):
    from app.admin.importer import import_staff

    import_staff(
        oak["school"], "email,name,role\nnewcoach@oak.example.org,New Coach,coach\n", None, "t"
    )
    db.session.commit()
    response = sign_in_through(
        client, mint, oak["oidc"], "/generic", email="newcoach@oak.example.org"
    )
    assert response.status_code == 302 and signed_in_as(client) == "newcoach@oak.example.org"


def test_client_secret_from_the_environment(client, oak, mint, monkeypatch):
    from tests.sso.servers import CLIENT_SECRET

    monkeypatch.setenv("DROPIN_SSO_SECRET_OAK", CLIENT_SECRET)
    oak["oidc"].client_secret_encrypted = ""
    oak["oidc"].client_secret_env = "DROPIN_SSO_SECRET_OAK"
    db.session.commit()
    assert sign_in_through(client, mint, oak["oidc"], "/generic").status_code == 302


def test_an_unreachable_provider_is_explained(client, oak):
    oak["oidc"].issuer_url = "http://127.0.0.1:9/nothing-here"
    db.session.commit()
    response = client.get("/login/sso", query_string={"connection": oak["oidc"].id})
    assert response.status_code == 502
    assert "We could not reach your organisation" in response.get_data(as_text=True)


def test_switched_off_or_unknown_providers_are_not_offered(client, oak):
    oak["google"].enabled = False
    db.session.commit()
    assert (
        client.get("/login/sso", query_string={"connection": oak["google"].id}).status_code == 404
    )
    assert client.get("/login/sso", query_string={"connection": 999}).status_code == 404
    assert client.get("/login/sso").status_code == 404
    assert "Sign in with Google" not in client.get("/login").get_data(as_text=True)


def test_with_several_trusts_each_button_names_its_trust(client, oak, mint):
    from tests.factories import make_trust
    from tests.sso.support import connect

    connect(make_trust("Elm Valley Trust"), "google", hosted_domains=["elm.example.org"])
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Google (Elm Valley Trust)" in page
    assert "Sign in with Google (Oak Trust)" in page


def test_the_way_back_lands_inside_the_installed_app(client, oak):
    """The callback is inside the manifest's scope, so a phone's installed app keeps it."""
    scope = client.get("/manifest.webmanifest").get_json()["scope"]
    authorize = start(client, oak["oidc"])
    assert urlsplit(authorize["redirect_uri"]).path.startswith(scope)


def test_the_discovery_document_is_read_once_in_a_while_not_at_each_sign_in(client, oak, mint):
    before = mint.discovery_requests.count("google")
    for _ in range(3):
        start(client, oak["google"])
    assert mint.discovery_requests.count("google") - before <= 1
