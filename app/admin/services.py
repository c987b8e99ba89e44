"""Administration of a trust: schools, staff and their roles, and the audit trail.

Every change writes an AuditEvent. Services flush; the route or command commits once.
A change refused by a rule raises RuleBroken naming the form field it concerns.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from zoneinfo import available_timezones

import sqlalchemy as sa

from app.auth.links import Delivery, deliver
from app.extensions import db
from app.models import (
    AuditEvent,
    Membership,
    School,
    Trust,
    TrustRole,
    User,
)

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")


class RuleBroken(ValueError):
    """A change refused by a domain rule; `field` is the form field to show it at."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def audit(trust_id: int, actor: User | None, action: str, summary: str, **details) -> None:
    db.session.add(
        AuditEvent(
            trust_id=trust_id,
            actor_id=actor.id if actor else None,
            action=action,
            summary=summary[:500],
            details=details,
        )
    )


# Schools -------------------------------------------------------------------------------

FIRST_TIMEZONE = "Europe/London"


@cache
def timezone_names() -> list[str]:
    """The zones a school is offered: Europe/London first, then one canonical name per place
    (tzdata's zone.tab, so no legacy aliases like Africa/Asmera), then UTC. Any valid IANA
    name is still accepted (valid_timezones)."""
    table = files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    canonical = {
        line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")
    }
    return [FIRST_TIMEZONE, *sorted(canonical - {FIRST_TIMEZONE}), "UTC"]


def valid_timezones() -> set[str]:
    return available_timezones()


def slug_from(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]


def _slug_owner(slug: str) -> int | None:
    return db.session.scalar(sa.select(School.id).where(School.slug == slug))


def _check_slug(slug: str, school: School | None) -> None:
    if not SLUG_PATTERN.match(slug):
        raise RuleBroken("slug", "Use lower-case letters, digits and hyphens (e.g. riverside).")
    taken = _slug_owner(slug)
    if taken is not None and (school is None or taken != school.id):
        raise RuleBroken("slug", f"The short name '{slug}' is already used by another school.")


def _check_name(trust_id: int, name: str, school: School | None) -> None:
    """Two schools of one trust with one name could not be told apart in any list."""
    same = db.session.scalar(
        sa.select(School.id).where(
            School.trust_id == trust_id, sa.func.lower(School.name) == name.lower()
        )
    )
    if same is not None and (school is None or same != school.id):
        raise RuleBroken("name", f"A school called {name} already exists.")


def create_school(
    actor: User, trust: Trust, name: str, slug: str, timezone: str, cadence: str
) -> School:
    _check_name(trust.id, name, None)
    if not slug:
        slug = slug_from(name)
        if _slug_owner(slug) is not None:
            raise RuleBroken(
                "slug",
                f"The short name made from this name, '{slug}', is used "
                "by another school: enter a different short name.",
            )
    _check_slug(slug, None)
    school = School(trust_id=trust.id, name=name, slug=slug, timezone=timezone, cadence=cadence)
    db.session.add(school)
    db.session.flush()
    audit(
        trust.id,
        actor,
        "school.create",
        f"Added school {name}",
        school=slug,
        timezone=timezone,
        cadence=cadence,
    )
    return school


def update_school(actor: User, school: School, **fields) -> dict:
    """Change name, slug, timezone or cadence; returns {field: [before, after]}."""
    if "name" in fields:
        _check_name(school.trust_id, fields["name"], school)
    if "slug" in fields:
        _check_slug(fields["slug"], school)
    changes = {
        name: [getattr(school, name), value]
        for name, value in fields.items()
        if getattr(school, name) != value
    }
    for name, (_, value) in changes.items():
        setattr(school, name, value)
    if changes:
        audit(
            school.trust_id,
            actor,
            "school.update",
            f"Changed {school.name}: " + ", ".join(changes),
            school=school.slug,
            changes=changes,
        )
    db.session.flush()
    return changes


# Staff --------------------------------------------------------------------------------


def school_staff(school: School) -> list[tuple[User, list[str]]]:
    """Everyone with a role in the school, by name, with their roles there."""
    rows = db.session.execute(
        sa.select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.school_id == school.id)
        .order_by(sa.func.lower(User.name), User.id)
    )
    staff: dict[int, tuple[User, list[str]]] = {}
    for user, role in rows:
        staff.setdefault(user.id, (user, []))[1].append(role)
    order = {"teacher": 0, "coach": 1, "lead": 2}
    return [(user, sorted(roles, key=order.get)) for user, roles in staff.values()]


def find_or_create_person(email: str, name: str) -> tuple[User, bool]:
    """The active person with this email, or a new one without a password (invite them)."""
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, password_hash=None)
        db.session.add(user)
        db.session.flush()
        return user, True
    if not user.active:
        raise RuleBroken(
            "email",
            f"{email} belongs to a deactivated account: "
            "reactivate them on their school's staff page first.",
        )
    return user, False


def add_person_to_school(
    actor: User, school: School, email: str, name: str, roles: list[str]
) -> tuple[User, bool]:
    """Give a person (new or existing) roles in the school. An existing person keeps
    their name. Returns (person, created)."""
    user, created = find_or_create_person(email, name)
    have = {m.role for m in user.memberships if m.school_id == school.id}
    added = [role for role in roles if role not in have]
    if not added:
        raise RuleBroken("email", f"{user.name} already has those roles at {school.name}.")
    for role in added:
        db.session.add(Membership(user_id=user.id, school_id=school.id, role=role))
    audit(
        school.trust_id,
        actor,
        "staff.add",
        f"{'Added' if created else 'Gave roles to'} {user.name} at {school.name}: "
        + ", ".join(added),
        school=school.slug,
        email=user.email,
        roles=added,
        created=created,
    )
    db.session.flush()
    return user, created


def update_person_in_school(
    actor: User, school: School, user: User, name: str, roles: list[str]
) -> None:
    """Rename the person and set exactly these roles in this school (at least one)."""
    current = {m.role: m for m in user.memberships if m.school_id == school.id}
    removed = sorted(set(current) - set(roles))
    added = sorted(set(roles) - set(current))
    for role in removed:
        db.session.delete(current[role])
    for role in added:
        db.session.add(Membership(user_id=user.id, school_id=school.id, role=role))
    changes: dict = {}
    if name != user.name:
        changes["name"] = [user.name, name]
        user.name = name
    if added or removed:
        changes["roles_added"], changes["roles_removed"] = added, removed
    if changes:
        audit(
            school.trust_id,
            actor,
            "staff.update",
            f"Changed {user.name} at {school.name}",
            school=school.slug,
            email=user.email,
            **changes,
        )
    db.session.flush()


def set_active(actor: User, trust: Trust, user: User, active: bool) -> None:
    """Deactivate (the person can no longer sign in; their visits stay) or reactivate."""
    if user.id == actor.id and not active:
        raise RuleBroken("user", "You cannot deactivate your own account.")
    if user.active == active:
        return
    user.active = active
    verb = "Reactivated" if active else "Deactivated"
    audit(
        trust.id,
        actor,
        "staff.reactivate" if active else "staff.deactivate",
        f"{verb} {user.name}",
        email=user.email,
    )
    db.session.flush()


# Trust roles ----------------------------------------------------------------------------


def trust_staff(trust: Trust) -> list[tuple[User, list[str]]]:
    rows = db.session.execute(
        sa.select(User, TrustRole.role)
        .join(TrustRole, TrustRole.user_id == User.id)
        .where(TrustRole.trust_id == trust.id)
        .order_by(sa.func.lower(User.name), TrustRole.role)
    )
    staff: dict[int, tuple[User, list[str]]] = {}
    for user, role in rows:
        staff.setdefault(user.id, (user, []))[1].append(role)
    return list(staff.values())


def add_trust_role(
    actor: User, trust: Trust, email: str, name: str, role: str
) -> tuple[User, bool]:
    user, created = find_or_create_person(email, name)
    if any(r.trust_id == trust.id and r.role == role for r in user.trust_roles):
        raise RuleBroken("email", f"{user.name} is already {_role_label(role)} of {trust.name}.")
    db.session.add(TrustRole(user_id=user.id, trust_id=trust.id, role=role))
    audit(
        trust.id,
        actor,
        "trust_role.add",
        f"Made {user.name} {_role_label(role)}",
        email=user.email,
        role=role,
        created=created,
    )
    db.session.flush()
    return user, created


def remove_trust_role(actor: User, trust: Trust, user: User, role: str) -> None:
    if user.id == actor.id and role == "admin":
        raise RuleBroken("user", "You cannot remove your own admin role.")
    trust_role = db.session.scalar(
        sa.select(TrustRole).where(
            TrustRole.trust_id == trust.id, TrustRole.user_id == user.id, TrustRole.role == role
        )
    )
    if trust_role is None:
        return
    db.session.delete(trust_role)
    audit(
        trust.id,
        actor,
        "trust_role.remove",
        f"{user.name} is no longer {_role_label(role)}",
        email=user.email,
        role=role,
    )
    db.session.flush()


def _role_label(role: str) -> str:
    return {"trust_lead": "a trust lead", "admin": "an admin"}.get(role, role)


# Audit trail -----------------------------------------------------------------------------


def audit_page(trust: Trust, page: int, per_page: int = 50):
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.trust_id == trust.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def issue_link(actor: User, trust_id: int, user: User) -> tuple[Delivery, str]:
    """An admin asks for a fresh link: an invitation while the person has no password,
    else a password reset. Audited; returns (delivery, purpose)."""
    purpose = "invite" if user.password_hash is None else "reset"
    delivery = deliver(user, purpose)
    kind = "sign-in invitation" if purpose == "invite" else "password reset"
    audit(
        trust_id,
        actor,
        f"link.{purpose}",
        f"{'Emailed' if delivery.emailed else 'Made'} a {kind} link for {user.name}",
        email=user.email,
    )
    return delivery, purpose
