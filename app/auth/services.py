"""Sign-in: finding the account, checking the password, slowing down guessing."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, request, url_for
from flask_login import login_user

from app.extensions import db
from app.models import LoginFailure, User, utcnow

WRONG_CREDENTIALS = "That email and password do not match an active account."


def load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None. One answer for every
    failure, so nobody learns which emails have accounts."""
    user = find_user_by_email(email)
    if user is None or not user.check_password(password) or not user.active:
        return None
    return user


def sign_in(user: User, remember: bool = False) -> None:
    """The one way into a session, for a password and for single sign-on alike, so both
    follow the same session rules. The route commits."""
    login_user(user, remember=remember)


def _recent_failures(column, value, window: timedelta) -> tuple[int, object]:
    since = utcnow() - window
    count, latest = db.session.execute(
        sa.select(sa.func.count(LoginFailure.id), sa.func.max(LoginFailure.created_at)).where(
            column == value, LoginFailure.created_at >= since
        )
    ).one()
    return count, latest


def is_throttled(email: str, address: str) -> bool:
    """True while an account or address has failed too often, for a short cool-down only,
    so the real owner is never locked out for long."""
    config = current_app.config
    window, cooldown = config["LOGIN_FAILURE_WINDOW"], config["LOGIN_COOLDOWN"]
    limits = (
        (LoginFailure.email, normalise_email(email), config["LOGIN_FAILURES_PER_ACCOUNT"]),
        (LoginFailure.address, address, config["LOGIN_FAILURES_PER_ADDRESS"]),
    )
    for column, value, limit in limits:
        count, latest = _recent_failures(column, value, window)
        if count >= limit and latest is not None and utcnow() - latest < cooldown:
            return True
    return False


def record_failure(email: str, address: str) -> None:
    db.session.add(LoginFailure(email=normalise_email(email)[:254], address=address[:64]))
    old = utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.created_at < old))
    db.session.flush()


def clear_failures(email: str) -> None:
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.email == normalise_email(email)))
    db.session.flush()


def unauthorized():
    """Not signed in: the API answers 401 JSON (never a redirect a device could mistake
    for success); htmx is told to load the sign-in page; pages redirect to it."""
    if request.path.startswith("/api/"):
        return jsonify({"error": "Please sign in again.", "signed_in": False}), 401
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request") == "true":
        return "", 401, {"HX-Redirect": login_url}
    return redirect(login_url)
