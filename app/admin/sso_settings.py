"""A trust admin's changes to single sign-on. Services flush; the route commits."""

from __future__ import annotations

import sqlalchemy as sa

from app.admin.services import RuleBroken, audit
from app.admin.sso_forms import ConnectionForm, split_list
from app.extensions import db
from app.models import Trust, User
from app.sso.client_secrets import SecretUnavailable, encrypt_secret
from app.sso.models import LABELS, PROVIDERS, SsoConnection


def connections_of(trust: Trust) -> dict[str, SsoConnection | None]:
    found = db.session.scalars(sa.select(SsoConnection).where(SsoConnection.trust_id == trust.id))
    by_provider = {connection.provider: connection for connection in found}
    return {provider: by_provider.get(provider) for provider in PROVIDERS}


def _require(field: str, value, message: str) -> None:
    if not value:
        raise RuleBroken(field, message)


def save_connection(
    actor: User, trust: Trust, provider: str, form: ConnectionForm
) -> SsoConnection:
    """Create or change the trust's connection with this kind of provider."""
    connection = connections_of(trust)[provider]
    if connection is None:
        connection = SsoConnection(trust_id=trust.id, provider=provider, client_id="")
        db.session.add(connection)
    connection.client_id = form.client_id.data or ""
    connection.enabled = bool(form.enabled.data)
    connection.tenant_ids = split_list(form.tenant_ids.data) if provider == "microsoft" else []
    connection.hosted_domains = split_list(form.hosted_domains.data) if provider == "google" else []
    connection.issuer_url = (form.issuer_url.data or "").rstrip("/") if provider == "oidc" else ""
    connection.email_domains = split_list(form.email_domains.data)
    _set_secret(connection, form)
    _check_complete(connection)
    if not connection.enabled:
        _keep_a_way_in(trust, leaving=connection)
    db.session.flush()
    audit(
        trust.id,
        actor,
        "sso.saved",
        f"Sign-in with {LABELS[provider]} {'on' if connection.enabled else 'off'}",
        provider=provider,
        client_id=connection.client_id,
        tenant_ids=connection.tenant_ids,
        hosted_domains=connection.hosted_domains,
        issuer_url=connection.issuer_url,
        email_domains=connection.email_domains,
        secret_from=connection.client_secret_env
        or ("database" if connection.client_secret_encrypted else "none"),
    )
    return connection


def _set_secret(connection: SsoConnection, form: ConnectionForm) -> None:
    if form.client_secret_env.data:
        connection.client_secret_env = form.client_secret_env.data
        connection.client_secret_encrypted = ""
    elif form.client_secret.data:
        try:
            connection.client_secret_encrypted = encrypt_secret(form.client_secret.data)
        except SecretUnavailable as error:
            raise RuleBroken("client_secret", error.message) from error
        connection.client_secret_env = ""
    elif form.forget_secret.data:
        connection.client_secret_env = connection.client_secret_encrypted = ""


def _check_complete(connection: SsoConnection) -> None:
    """What each kind needs before it can be switched on: a way to know who is whose."""
    if not connection.enabled:
        return
    _require("client_id", connection.client_id, "Enter the client ID the provider gave you.")
    if connection.provider == "microsoft":
        _require(
            "tenant_ids",
            connection.tenant_ids,
            "Enter your Entra ID tenant ID, so only your organisation's accounts get in.",
        )
    elif connection.provider == "google":
        _require(
            "hosted_domains",
            connection.hosted_domains,
            "Enter your Google Workspace domain, so only your school's accounts get in.",
        )
    else:
        _require("issuer_url", connection.issuer_url, "Enter the provider's issuer URL.")
        _require(
            "email_domains",
            connection.email_domains,
            "Enter the email domains this provider may vouch for.",
        )
    if connection.provider != "oidc":
        _require(
            "client_secret",
            connection.client_secret_env or connection.client_secret_encrypted,
            "Enter the client secret, or the environment variable that holds it.",
        )


def _keep_a_way_in(trust: Trust, leaving: SsoConnection | None = None) -> None:
    """Staff of a trust without password sign-in need at least one provider switched on."""
    if trust.password_sign_in:
        return
    others = [
        connection
        for connection in connections_of(trust).values()
        if connection is not None and connection.enabled and connection is not leaving
    ]
    if not others:
        raise RuleBroken(
            "enabled",
            "Staff sign in only through this provider. Switch password sign-in back on "
            "before you switch it off.",
        )


def set_password_sign_in(actor: User, trust: Trust, allowed: bool) -> Trust:
    """Switching passwords off needs a provider switched on; the trust's admins keep
    their password either way (see app.sso.services.password_sign_in_allowed)."""
    if not allowed:
        trust.password_sign_in = False
        try:
            _keep_a_way_in(trust)
        except RuleBroken as broken:
            trust.password_sign_in = True
            raise RuleBroken(
                "password_sign_in",
                "Switch on sign-in with Microsoft, Google or your organisation first.",
            ) from broken
    trust.password_sign_in = allowed
    db.session.flush()
    audit(
        trust.id,
        actor,
        "sso.password_sign_in",
        f"Password sign-in {'on' if allowed else 'off (admins keep theirs)'}",
        allowed=allowed,
    )
    return trust
