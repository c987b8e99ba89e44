"""Each person's choice of emails, and the signed link that stops one kind without signing
in. Services flush; routes commit."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.authz import roles_of
from app.extensions import db
from app.idempotent import insert_once
from app.models import User, utcnow
from app.notify.models import EMAIL_KINDS, EmailOptOut

#: What each kind is, as the preferences page and the stop link say it.
KIND_LABELS = {
    "new_step": "When my coach sets me a new action step",
    "step_reminder": "A reminder when I have not yet looked at a new step",
    "coach_weekly": "Monday: the teachers due a drop-in this week, and steps not yet seen",
    "lead_weekly": "Monday: last week's coverage, with the week's visits CSV",
}
#: Who is offered each kind: the roles that make it useful.
KIND_ROLES = {
    "new_step": {"teacher"},
    "step_reminder": {"teacher"},
    "coach_weekly": {"coach"},
    "lead_weekly": {"lead", "trust_lead"},
}
UNSUBSCRIBE_SALT = "dropin-unsubscribe"


def kinds_for(user: User) -> list[str]:
    roles = set(roles_of(user))
    return [kind for kind in EMAIL_KINDS if KIND_ROLES[kind] & roles]


def stopped_kinds(user: User) -> set[str]:
    return set(
        db.session.scalars(sa.select(EmailOptOut.kind).where(EmailOptOut.user_id == user.id))
    )


def stop(user: User, kind: str) -> None:
    insert_once(
        EmailOptOut,
        {"user_id": user.id, "kind": kind, "created_at": utcnow()},
        key=("user_id", "kind"),
    )


def choose_emails(user: User, wanted: set[str]) -> None:
    """Keep exactly `wanted` of the kinds offered to this person."""
    offered = kinds_for(user)
    for kind in offered:
        if kind not in wanted:
            stop(user, kind)
    restarted = [kind for kind in offered if kind in wanted]
    if restarted:
        db.session.execute(
            sa.delete(EmailOptOut).where(
                EmailOptOut.user_id == user.id, EmailOptOut.kind.in_(restarted)
            )
        )
    db.session.flush()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user: User, kind: str) -> str:
    """Never expires: an old email's link still stops that kind."""
    return _serializer().dumps({"u": user.id, "k": kind})


def unsubscribe_target(token: str) -> tuple[User, str] | None:
    """The person and kind a stop link is for, or None for a link that is not ours."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("k") not in EMAIL_KINDS:
        return None
    user_id = payload.get("u")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    return (user, payload["k"]) if user is not None else None
