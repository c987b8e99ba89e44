"""Which sections of the app a person may reach: what their navigation offers and where
they land after signing in (part of the one rule; import from app.authz). Each page still
asks app.authz about every request: this only decides what to offer."""

from __future__ import annotations

from app.authz import roles_of
from app.models import User

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
    """The section `user` opens on after signing in; None for someone with no role."""
    reachable = reachable_sections(user)
    return next((section for section in LANDING_ORDER if section in reachable), None)
