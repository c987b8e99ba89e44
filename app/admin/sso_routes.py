"""A trust's sign-in settings: its identity providers and whether passwords still work."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.access import admin_required, save, trust_or_404
from app.admin.sso_forms import ConnectionForm, PasswordSignInForm
from app.admin.sso_settings import connections_of, save_connection, set_password_sign_in
from app.sso.client_secrets import ENV_PREFIX, can_store_secrets
from app.sso.models import LABELS, PROVIDERS, SsoConnection


def _filled_form(provider: str, connection: SsoConnection | None) -> ConnectionForm:
    if connection is None:
        return ConnectionForm(prefix=provider, formdata=None)
    return ConnectionForm(
        prefix=provider,
        formdata=None,
        data={
            "enabled": connection.enabled,
            "client_id": connection.client_id,
            "client_secret_env": connection.client_secret_env,
            "tenant_ids": ", ".join(connection.tenant_ids),
            "hosted_domains": ", ".join(connection.hosted_domains),
            "issuer_url": connection.issuer_url,
            "email_domains": ", ".join(connection.email_domains),
        },
    )


def _page(trust, status: int = 200, **overrides):
    connections = connections_of(trust)
    forms = {provider: _filled_form(provider, connections[provider]) for provider in PROVIDERS}
    forms |= overrides.pop("forms", {})
    password_form = overrides.pop("password_form", None) or PasswordSignInForm(
        formdata=None, data={"password_sign_in": trust.password_sign_in}
    )
    return render_template(
        "admin/sign_in.html",
        trust=trust,
        connections=connections,
        forms=forms,
        password_form=password_form,
        labels=LABELS,
        redirect_url=url_for("auth.sso_callback", _external=True),
        can_store_secrets=can_store_secrets(),
        env_prefix=ENV_PREFIX,
        **overrides,
    ), status


@bp.route("/trusts/<int:trust_id>/sign-in", methods=["GET", "POST"])
@admin_required
def sign_in_settings(trust_id: int):
    trust = trust_or_404(trust_id)
    if request.method == "GET":
        return _page(trust)
    provider = request.form.get("provider")
    if provider not in PROVIDERS:
        return _page(trust, 422)
    form = ConnectionForm(prefix=provider)
    if save(form, lambda: save_connection(current_user, trust, provider, form)) is None:
        return _page(trust, 422, forms={provider: form})
    return redirect(url_for("admin.sign_in_settings", trust_id=trust.id, saved=provider))


@bp.post("/trusts/<int:trust_id>/sign-in/password")
@admin_required
def password_sign_in(trust_id: int):
    trust = trust_or_404(trust_id)
    form = PasswordSignInForm()
    if save(form, lambda: set_password_sign_in(current_user, trust, form.password_sign_in.data)):
        return redirect(url_for("admin.sign_in_settings", trust_id=trust.id, saved="password"))
    return _page(trust, 422, password_form=form)
