"""Sign-in: finding the account, checking the password, slowing down guessing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, request, url_for
from flask_login import login_user
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.sessions import start_session
from app.extensions import db
from app.models import LoginFailure, User, utcnow

WRONG_CREDENTIALS = "That email and password do not match an active account."


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None. One answer for every
    failure, and as long to get for an unknown email as for a known one (a password is
    hashed either way), so nobody learns which emails have accounts."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        check_password_hash(_dummy_hash(method), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def sign_in(user: User, remember: bool = False) -> None:
    """The one way into a session, for a password and for single sign-on alike: a new
    server-side session (and CSRF secret), then Flask-Login's cookies. The route commits."""
    start_session(user)
    login_user(user, remember=remember)


def _recent(kind: str, since, *conditions) -> sa.Select:
    return sa.select(sa.func.count(LoginFailure.id)).where(
        LoginFailure.kind == kind, LoginFailure.created_at >= since, *conditions
    )


@dataclass(frozen=True)
class Attempt:
    """A recorded attempt's values, kept apart from its row: a sign-in of the same account
    at the same moment may delete the row (clear_failures) before this one is judged."""

    id: int
    email: str
    address: str


def record_attempt(email: str, address: str, kind: str = "sign_in") -> Attempt:
    """Write the attempt BEFORE its password is checked; the route commits at once, then
    asks is_throttled. Each attempt then counts every attempt committed before it, so
    however many arrive at once, at most the limit get their password checked."""
    row = LoginFailure(kind=kind, email=normalise_email(email)[:254], address=address[:64])
    db.session.add(row)
    old = utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.created_at < old))
    db.session.flush()
    return Attempt(row.id, row.email, row.address)


def is_throttled(attempt: Attempt) -> bool:
    """Per account: more than LOGIN_FAILURES_PER_ACCOUNT attempts in the window wait until
    LOGIN_COOLDOWN has passed since the last one, so the owner is never locked out long.
    Per address (a school's staff share one): past LOGIN_FAILURES_PER_ADDRESS, an account
    already tried from this address waits for the window to pass, but an account not yet
    tried from here still gets its check, so a colleague with the right password always
    signs in while guessing many accounts from one address gets one guess per account."""
    config = current_app.config
    now = utcnow()
    since = now - config["LOGIN_FAILURE_WINDOW"]
    others = LoginFailure.id != attempt.id
    same_account = LoginFailure.email == attempt.email
    on_account = db.session.scalar(_recent("sign_in", since, same_account))
    if on_account > config["LOGIN_FAILURES_PER_ACCOUNT"]:
        recent = now - config["LOGIN_COOLDOWN"]
        if db.session.scalar(_recent("sign_in", recent, same_account, others)):
            return True
    same_address = LoginFailure.address == attempt.address
    from_address = db.session.scalar(_recent("sign_in", since, same_address))
    if from_address > config["LOGIN_FAILURES_PER_ADDRESS"]:
        return bool(
            db.session.scalar(_recent("sign_in", since, same_address, same_account, others))
        )
    return False


def forget_attempt(attempt: Attempt) -> None:
    """A refused attempt: no password was checked, so it counts for nothing."""
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.id == attempt.id))
    db.session.flush()


def clear_failures(email: str) -> None:
    db.session.execute(
        sa.delete(LoginFailure).where(
            LoginFailure.kind == "sign_in", LoginFailure.email == normalise_email(email)
        )
    )
    db.session.flush()


def reset_request_allowed(attempt: Attempt) -> bool:
    """Password-reset requests: a few per email and per address in the window, whether
    or not the email has an account (the answer must not tell)."""
    config = current_app.config
    since = utcnow() - config["LOGIN_FAILURE_WINDOW"]
    per_email = db.session.scalar(_recent("reset", since, LoginFailure.email == attempt.email))
    per_address = db.session.scalar(
        _recent("reset", since, LoginFailure.address == attempt.address)
    )
    return (
        per_email <= config["RESET_REQUESTS_PER_EMAIL"]
        and per_address <= config["RESET_REQUESTS_PER_ADDRESS"]
    )


def unauthorized():
    """Not signed in: the API answers 401 JSON (never a redirect a device could mistake
    for success); htmx is told to load the sign-in page; pages redirect to it."""
    if request.path.startswith("/api/"):
        return jsonify({"error": "Please sign in again.", "signed_in": False}), 401
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request") == "true":
        return "", 401, {"HX-Redirect": login_url}
    return redirect(login_url)
