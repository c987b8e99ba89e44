"""Server-side sign-in sessions: one UserSession row per signed-in device.

The browser's signed session cookie and its "keep me signed in" cookie both hold
"user id:token" (User.get_id). The token is random per sign-in and only its hash is
stored, so the remember cookie changes at each sign-in, and deleting the row (sign-out,
password change or reset, deactivation) refuses every copy of those cookies at once.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

import sqlalchemy as sa
from flask import current_app, g, session

from app.extensions import db
from app.models import User, UserSession, utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _oldest_allowed():
    return utcnow() - current_app.config["REMEMBER_COOKIE_DURATION"]


def start_session(user: User) -> None:
    """A new session for this sign-in, and a fresh CSRF secret (nothing from before the
    sign-in is trusted after it). Call before login_user; the route commits."""
    db.session.execute(sa.delete(UserSession).where(UserSession.created_at < _oldest_allowed()))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token)))
    db.session.flush()
    user.session_token = token
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)


def end_session(user: User) -> None:
    """Sign-out: this device's session only."""
    if user.session_token:
        db.session.execute(
            sa.delete(UserSession).where(UserSession.token_hash == _hash(user.session_token))
        )
        db.session.flush()


def end_all_sessions(user: User) -> None:
    """Every device of this person: after a password change or reset, a deactivation."""
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    db.session.flush()


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the user only while their session lives on the server."""
    user_part, _, token = (user_id or "").partition(":")
    if not user_part.isdigit() or not token:
        return None
    params = {"user_id": int(user_part), "token_hash": _hash(token), "oldest": _oldest_allowed()}
    user = db.session.scalar(_user_of_live_session(), params)
    if user is not None:
        user.session_token = token
    return user


@cache
def _user_of_live_session() -> sa.Select:
    """load_user's query, built once with bound parameters (it runs on every request)."""
    return (
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == sa.bindparam("user_id", type_=sa.Integer),
            UserSession.token_hash == sa.bindparam("token_hash", type_=sa.String),
            UserSession.created_at >= sa.bindparam("oldest", type_=UserSession.created_at.type),
        )
    )
