"""Which sections of the app a person may reach: what their navigation offers and where
they land after signing in (part of the one rule; import from app.authz). Each page still
asks app.authz about every request: this only decides what to offer."""

from __future__ import annotations

import sqlalchemy as sa

from app.authz import pair_is_current, roles_of
from app.authz.school_dates import pair_school_today
from app.extensions import db
from app.models import ActionStep, CoachingPair, User

#: Each section and the roles that reach it, in the order the navigation shows them.
SECTIONS = (
    ("drop_ins", ("coach",)),
    # Leads can also do drop-ins (a trust lead finds any teacher with the page's search).
    ("new_drop_in", ("coach", "lead", "trust_lead")),
    ("my_step", ("teacher",)),
    ("coverage", ("lead", "trust_lead")),
    ("export", ("lead", "trust_lead")),
    ("admin", ("admin",)),
    ("emails", ("coach", "teacher", "lead", "trust_lead")),
    ("your_data", ("coach", "teacher", "lead", "trust_lead", "admin")),
)
#: Where a person lands after signing in: the first of these they may reach.
LANDING_ORDER = ("drop_ins", "coverage", "my_step", "admin")


def reachable_sections(user: User) -> list[str]:
    """The sections `user` may reach, in navigation order (none when signed out)."""
    roles = set(roles_of(user)) if user.is_authenticated else set()
    return [section for section, allowed in SECTIONS if roles.intersection(allowed)]


def landing_section(user: User) -> str | None:
    """The section `user` opens on after signing in; None for someone with no role. A
    teacher with a step to practise who coaches only as a peer (in a triad, or no one
    yet) opens on their step: the coach role came with the triad, their work is the step."""
    reachable = reachable_sections(user)
    order = LANDING_ORDER
    if {"drop_ins", "my_step"} <= set(reachable) and _a_peer_with_a_step(user):
        order = ("my_step", *LANDING_ORDER)
    return next((section for section in order if section in reachable), None)


def _a_peer_with_a_step(user: User) -> bool:
    """Has a live step as a teacher, and coaches no one now outside a peer triad."""
    has_a_step = (
        sa.select(ActionStep.id)
        .where(ActionStep.teacher_id == user.id, ActionStep.is_live_clause())
        .exists()
    )
    coaches_outside_a_triad = (
        sa.select(CoachingPair.id)
        .where(
            CoachingPair.coach_id == user.id,
            CoachingPair.triad_key.is_(None),
            pair_is_current(pair_school_today()),
        )
        .exists()
    )
    return bool(db.session.scalar(sa.select(sa.and_(has_a_step, ~coaches_outside_a_triad))))
