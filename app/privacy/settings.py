"""Reading and changing a trust's retention periods, and what the privacy page says."""

from __future__ import annotations

import sqlalchemy as sa

from app.admin.services import audit, trust_staff, trusts_of_person
from app.extensions import db
from app.models import ActionStep, Photo, StepComment, Trust, User, Visit
from app.privacy.models import TrustRetention, defaults, retention_of

FIELDS = ("photo_months", "visit_years", "visit_action", "audit_years", "sign_in_days")


def save_retention(actor: User, trust: Trust, values: dict) -> dict:
    """Set the trust's periods; returns {field: [before, after]} (audited when any)."""
    settings = db.session.get(TrustRetention, trust.id)
    if settings is None:
        settings = defaults(trust.id)
        db.session.add(settings)
    changes = {
        name: [getattr(settings, name), values[name]]
        for name in FIELDS
        if getattr(settings, name) != values[name]
    }
    for name, (_, value) in changes.items():
        setattr(settings, name, value)
    if changes:
        audit(trust.id, actor, "retention.update", "Changed retention periods", changes=changes)
    db.session.flush()
    return changes


def trusts_of(user: User) -> list[Trust]:
    ids = trusts_of_person(user)
    return list(db.session.scalars(sa.select(Trust).where(Trust.id.in_(ids)).order_by(Trust.name)))


def privacy_notices(user: User) -> list[tuple[Trust, TrustRetention, list[str]]]:
    """For each trust of the person: its settings and its admins' names (whom to ask)."""
    notices = []
    for trust in trusts_of(user):
        staff = trust_staff(trust)
        admins = [person.name for person, roles in staff if "admin" in roles and person.active]
        notices.append((trust, retention_of(trust.id), admins))
    return notices


def erasure_preview(person: User) -> dict[str, int]:
    """How much an erasure would touch, for the confirmation page."""
    theirs = sa.or_(Visit.coach_id == person.id, Visit.teacher_id == person.id)

    def count(query) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))

    return {
        "wrote": count(sa.select(Visit.id).where(Visit.coach_id == person.id)),
        "received": count(sa.select(Visit.id).where(Visit.teacher_id == person.id)),
        "photos": count(sa.select(Photo.id).join(Visit).where(theirs)),
        "steps": count(sa.select(ActionStep.id).where(ActionStep.teacher_id == person.id)),
        "comments": count(sa.select(StepComment.id).where(StepComment.author_id == person.id)),
    }
