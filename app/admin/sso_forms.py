"""The trust admin's single sign-on settings: one form per provider, and the password switch."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, ValidationError
from wtforms.validators import Length, Optional, Regexp

from app.sso.client_secrets import ENV_NAME, ENV_PREFIX

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def split_list(text: str | None) -> list[str]:
    """ "a.org, b.org" or one per line → ["a.org", "b.org"], lower-cased, no repeats."""
    seen: list[str] = []
    for part in re.split(r"[\s,;]+", (text or "").strip().lower()):
        if part and part not in seen:
            seen.append(part)
    return seen


def _domains(form, field) -> None:
    bad = [domain for domain in split_list(field.data) if not DOMAIN.match(domain)]
    if bad:
        raise ValidationError(f"Not a domain name: {', '.join(bad)} (write e.g. oakschool.org).")


def _tenants(form, field) -> None:
    for tenant in split_list(field.data):
        try:
            uuid.UUID(tenant)
        except ValueError:
            raise ValidationError(
                f"{tenant} is not a tenant ID: copy the Directory (tenant) ID from Entra ID, "
                "e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47."
            ) from None


def _issuer(form, field) -> None:
    if not field.data:
        return
    parts = urlsplit(field.data)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ValidationError("The issuer URL must start with https://.")
    if not parts.hostname or parts.query or parts.fragment:
        raise ValidationError("Give the issuer URL alone, e.g. https://login.example.org.")


class ConnectionForm(FlaskForm):
    enabled = BooleanField("Show this button on the sign-in page")
    client_id = StringField(
        "Client ID",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Length(max=255)],
    )
    client_secret = PasswordField(
        "Client secret",
        validators=[Length(max=500)],
        render_kw={"autocomplete": "off"},
    )
    client_secret_env = StringField(
        "Or the environment variable that holds the secret",
        filters=[lambda value: value.strip().upper() if isinstance(value, str) else value],
        validators=[
            Optional(),
            Regexp(ENV_NAME, message=f"Name a variable that starts with {ENV_PREFIX}."),
        ],
        render_kw={"spellcheck": "false", "autocapitalize": "characters"},
    )
    forget_secret = BooleanField("No client secret (a public client using PKCE only)")
    tenant_ids = StringField("Tenant IDs allowed", validators=[Length(max=2000), _tenants])
    hosted_domains = StringField(
        "Google Workspace domains allowed", validators=[Length(max=2000), _domains]
    )
    issuer_url = StringField(
        "Issuer URL",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Length(max=300), _issuer],
        render_kw={"spellcheck": "false", "autocapitalize": "none", "inputmode": "url"},
    )
    email_domains = StringField("Email domains allowed", validators=[Length(max=2000), _domains])


class PasswordSignInForm(FlaskForm):
    password_sign_in = BooleanField("Staff may also sign in with a Dropin password")
