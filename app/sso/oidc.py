"""The OpenID Connect exchange, all of it done by Authlib: discovery, the authorisation
request with state, nonce and PKCE (S256), the code exchange, and the ID token's checks
(signature against the provider's published keys, issuer, audience, expiry, nonce)."""

from __future__ import annotations

import time

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import current_app
from joserfc.errors import JoseError

from app.sso.client_secrets import SecretUnavailable, client_secret
from app.sso.models import SsoConnection

#: Seconds of clock difference tolerated between us and the provider.
LEEWAY = 60
#: Seconds a provider's discovery document is kept, so a burst of sign-ins (or of hits on
#: the start URL) is not a burst of requests to the provider.
DISCOVERY_TTL = 300.0
_discovered: dict[str, tuple[float, dict]] = {}


class ProviderFailed(Exception):
    """The provider could not be used, or its answer did not pass a check."""


def discovery_url(connection: SsoConnection) -> str:
    config = current_app.config
    if connection.provider == "microsoft":
        # One tenant: its own endpoints. Several: the multi-tenant ones, whose issuer
        # holds "{tenantid}" (checked against the token's tid below).
        tenants = connection.tenant_ids
        tenant = tenants[0] if len(tenants) == 1 else "organizations"
        base = f"{config['SSO_MICROSOFT_AUTHORITY'].rstrip('/')}/{tenant}/v2.0"
    elif connection.provider == "google":
        base = config["SSO_GOOGLE_ISSUER"].rstrip("/")
    else:
        base = connection.issuer_url.rstrip("/")
    return f"{base}/.well-known/openid-configuration"


def _client(connection: SsoConnection) -> FlaskOAuth2App:
    try:
        secret = client_secret(connection.client_secret_env, connection.client_secret_encrypted)
    except SecretUnavailable as error:
        current_app.logger.error("SSO connection %s: %s", connection.id, error.message)
        raise ProviderFailed(error.message) from error
    kwargs = {
        "scope": "openid email profile",
        "code_challenge_method": "S256",
        "default_timeout": current_app.config["SSO_TIMEOUT"],
    }
    if secret is None:
        kwargs["token_endpoint_auth_method"] = "none"  # noqa: S105  (a public client)
    return FlaskOAuth2App(
        FlaskIntegration("dropin_sso"),
        name="dropin_sso",
        client_id=connection.client_id,
        client_secret=secret,
        server_metadata_url=discovery_url(connection),
        client_kwargs=kwargs,
        **_recently_discovered(discovery_url(connection)),
    )


def _recently_discovered(url: str) -> dict:
    found = _discovered.get(url)
    if found is None or time.monotonic() - found[0] > DISCOVERY_TTL:
        return {}
    return dict(found[1])


def _metadata(client: FlaskOAuth2App, connection: SsoConnection) -> dict:
    url = discovery_url(connection)
    fetched = not _recently_discovered(url)
    metadata = client.load_server_metadata()
    _check_issuer(connection, metadata)
    if fetched:
        _discovered[url] = (time.monotonic(), dict(metadata))
    return metadata


def _authorize_params(connection: SsoConnection) -> dict:
    if connection.provider == "google" and len(connection.hosted_domains) == 1:
        return {"hd": connection.hosted_domains[0]}
    if connection.provider == "microsoft":
        return {"prompt": "select_account"}
    return {}


def authorization_url(connection: SsoConnection, redirect_uri: str) -> str:
    """Where to send the person; the state, nonce and PKCE verifier wait in the session."""
    client = _client(connection)
    try:
        _metadata(client, connection)
        started = client.create_authorization_url(redirect_uri, **_authorize_params(connection))
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as error:
        current_app.logger.warning("SSO connection %s: discovery failed: %s", connection.id, error)
        raise ProviderFailed(str(error)) from error
    client.save_authorize_data(redirect_uri=redirect_uri, **started)
    return started["url"]


def _check_issuer(connection: SsoConnection, metadata: dict) -> None:
    """A generic provider's discovery document must name the issuer the admin set."""
    if connection.provider != "oidc":
        return
    if metadata.get("issuer", "").rstrip("/") != connection.issuer_url.rstrip("/"):
        raise ValueError("the discovery document names another issuer")


def _claims_options(connection: SsoConnection, issuer: str) -> dict:
    def issuer_matches(claims, value) -> bool:
        # Microsoft's multi-tenant issuer is a template filled with the token's tenant.
        return value == issuer.replace("{tenantid}", str(claims.get("tid", "")))

    return {
        "iss": {"essential": True, "validate": issuer_matches},
        "aud": {"essential": True, "value": connection.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "nonce": {"essential": True},
    }


def verified_claims(connection: SsoConnection) -> dict:
    """The callback's ID token claims once every check has passed; ProviderFailed if any
    fails. Authlib checks the state against the session and forgets it (so a replayed
    answer fails), sends the PKCE verifier, and validates the ID token."""
    client = _client(connection)
    try:
        issuer = _metadata(client, connection)["issuer"]
        token = client.authorize_access_token(
            claims_options=_claims_options(connection, issuer), leeway=LEEWAY
        )
    except (OAuthError, JoseError, requests.RequestException, ValueError, KeyError) as error:
        current_app.logger.warning("SSO connection %s: refused: %r", connection.id, error)
        raise ProviderFailed(repr(error)) from error
    claims = token.get("userinfo")
    if not claims:
        # Authlib validates an ID token only when one came: without it, nothing is proved.
        current_app.logger.warning("SSO connection %s: no ID token", connection.id)
        raise ProviderFailed("no ID token")
    return dict(claims)
