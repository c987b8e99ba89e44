"""One-time, expiring links to set a password: invitations and password resets.

A link carries a token signed with the app's secret (itsdangerous, a salt per purpose)
holding the person's id and a fingerprint of their current password state. Setting a
password changes that state, so the link dies once used; the signature's timestamp makes
it expire (INVITATION_MAX_AGE, PASSWORD_RESET_MAX_AGE). The link is emailed when SMTP_HOST
is configured; otherwise it is shown to the admin to pass on.
"""

from __future__ import annotations

import hashlib
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from app.extensions import db
from app.models import User

PURPOSES = {
    # purpose: (salt, endpoint, config key of max age, default max age)
    "invite": (
        "dropin-invitation",
        "auth.accept_invitation",
        "INVITATION_MAX_AGE",
        timedelta(days=7),
    ),
    "reset": (
        "dropin-password-reset",
        "auth.reset_password",
        "PASSWORD_RESET_MAX_AGE",
        timedelta(days=1),
    ),
}

EXPIRED = "This link has expired. Ask your Dropin administrator for a new one."
USED = "This link has already been used. Sign in with your password, or ask for a new link."
INVALID = "This link is not valid. Check that you copied all of it, or ask for a new one."


class LinkRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _fingerprint(user: User) -> str:
    """Changes whenever the password (or email) changes, which kills earlier links."""
    state = f"{user.email}|{user.password_hash or ''}"
    return hashlib.sha256(state.encode()).hexdigest()[:20]


def _serializer(purpose: str, issued_at: int | None = None) -> URLSafeTimedSerializer:
    salt = PURPOSES[purpose][0]
    if issued_at is None:
        return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)

    class BackdatedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return issued_at

    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=salt, signer=BackdatedSigner
    )


def make_token(user: User, purpose: str, issued_at: int | None = None) -> str:
    """`issued_at` (a Unix time) lets tests make a link that is already old."""
    return _serializer(purpose, issued_at).dumps({"u": user.id, "f": _fingerprint(user)})


def max_age(purpose: str) -> timedelta:
    _, _, key, default = PURPOSES[purpose]
    return current_app.config.get(key, default)


def user_for_token(token: str, purpose: str) -> User:
    """The person the link is for, or LinkRefused with a message for them."""
    try:
        payload = _serializer(purpose).loads(token, max_age=int(max_age(purpose).total_seconds()))
    except SignatureExpired as error:
        raise LinkRefused(EXPIRED) from error
    except BadSignature as error:
        raise LinkRefused(INVALID) from error
    if not isinstance(payload, dict):
        raise LinkRefused(INVALID)
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None or not user.active:
        raise LinkRefused(INVALID)
    if payload.get("f") != _fingerprint(user):
        raise LinkRefused(USED)
    return user


def link_for(user: User, purpose: str) -> str:
    token = make_token(user, purpose)
    return url_for(PURPOSES[purpose][1], token=token, _external=True)


@dataclass(frozen=True)
class Delivery:
    """How a link reached the person: emailed, or to be passed on by the admin."""

    user: User
    link: str
    emailed: bool


def _email(user: User, link: str, purpose: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = user.email
    days = max_age(purpose).days or 1
    if purpose == "invite":
        message["Subject"] = "Your Dropin account"
        opening = "You have been invited to Dropin, for instructional coaching drop-ins."
    else:
        message["Subject"] = "Reset your Dropin password"
        opening = "Someone asked to reset the password of your Dropin account."
    message.set_content(
        f"Hello {user.name},\n\n{opening}\nSet your password here (the link works once, "
        f"for {days} day(s)):\n\n{link}\n\nIf you did not expect this, ignore this email.\n"
    )
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
        if config.get("SMTP_USER"):
            smtp.starttls()
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(message)


def deliver(user: User, purpose: str) -> Delivery:
    """Email the link when SMTP is configured; otherwise hand it back to show the admin.
    A failing mail server falls back to showing the link, never to an error page."""
    link = link_for(user, purpose)
    if current_app.config.get("SMTP_HOST"):
        try:
            _email(user, link, purpose)
            return Delivery(user, link, emailed=True)
        except (OSError, smtplib.SMTPException):
            current_app.logger.exception("Could not email the %s link to %s", purpose, user.email)
    return Delivery(user, link, emailed=False)


def invitation_for(user: User | None) -> Delivery | None:
    """An invitation for someone just added who has no password yet."""
    if user is None or user.password_hash is not None:
        return None
    return deliver(user, "invite")
