"""Signing in with a trust's identity provider: out to the provider, back to the callback.

Both are plain top-level navigations in the same window, so in the installed app the
provider's page opens over the app and the way back lands in it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import abort, current_app, redirect, request, session, url_for
from sqlalchemy.exc import IntegrityError

from app.auth import bp
from app.auth.forms import LoginForm
from app.auth.routes import _safe_next, landing_page_for, render_login
from app.auth.services import sign_in
from app.extensions import db
from app.sso.models import LABELS, SsoConnection
from app.sso.oidc import ProviderFailed, authorization_url, verified_claims
from app.sso.services import SignInRefused, account_for, offered_connection

#: The session key of the sign-in under way (one per browser at a time).
PENDING = "sso_pending"
STALE = "This sign-in link has already been used or has expired. Please start again."


def _refused(message: str, status: int = 403):
    """Back to the sign-in page with the reason; nobody is signed in."""
    db.session.rollback()
    form = LoginForm(formdata=None)
    form.form_errors.append(message)
    return render_login(form, status)


@bp.get("/login/sso")
def sso_start():
    connection = offered_connection(request.args.get("connection", type=int))
    if connection is None:
        abort(404)
    redirect_uri = url_for("auth.sso_callback", _external=True)
    try:
        target = authorization_url(connection, redirect_uri)
    except ProviderFailed:
        return _refused(_unreachable(connection), 502)
    session[PENDING] = {
        "connection": connection.id,
        "state": _state_of(target),
        "remember": request.args.get("remember") == "1",
        "next": _safe_next(request.args.get("next")),
    }
    return redirect(target)


def _state_of(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("state", [""])[0]


def _unreachable(connection: SsoConnection) -> str:
    label = LABELS[connection.provider]
    return (
        f"We could not reach {label} to sign you in. Please try again in a minute, or ask "
        "your Dropin administrator to check the sign-in settings."
    )


@bp.get("/login/sso/callback")
def sso_callback():
    pending = session.get(PENDING)
    if not pending or not request.args.get("state") or pending["state"] != request.args["state"]:
        return _refused(STALE)
    session.pop(PENDING)
    connection = db.session.get(SsoConnection, pending["connection"])
    if connection is None or not connection.enabled:
        return _refused(STALE)
    label = LABELS[connection.provider]
    if request.args.get("error"):
        return _refused(f"Sign-in with {label} was cancelled or refused. Nothing has changed.")
    try:
        claims = verified_claims(connection)
        user = account_for(connection, claims)
    except ProviderFailed:
        return _refused(
            f"{label.capitalize()}'s answer did not pass our checks, so you have not been "
            "signed in. Please try again."
        )
    except SignInRefused as refused:
        current_app.logger.info("SSO connection %s: %s", connection.id, refused.message)
        return _refused(refused.message)
    except IntegrityError:
        # The same answer twice at once: the first remembered the provider account.
        return _refused(STALE)
    sign_in(user, remember=pending["remember"])
    db.session.commit()
    return redirect(pending["next"] or landing_page_for(user))
