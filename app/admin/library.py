"""The action-step library: ready-made steps by category, trust-wide or for one school.

A retired step is offered no more but stays on the visits that used it (ActionStep keeps
its own text and its library_step_id), so retiring never deletes.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.admin.services import audit
from app.extensions import db
from app.models import LibraryStep, School, Trust, User, utcnow


def steps_of_trust(trust: Trust) -> list[LibraryStep]:
    """Every step of the trust, trust-wide first, then by school, category and title."""
    return list(
        db.session.scalars(
            sa.select(LibraryStep)
            .outerjoin(School, School.id == LibraryStep.school_id)
            .where(LibraryStep.trust_id == trust.id)
            .order_by(
                LibraryStep.school_id.is_not(None),
                School.name,
                sa.func.lower(LibraryStep.category),
                sa.func.lower(LibraryStep.title),
            )
        )
    )


def categories_of(trust: Trust) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(LibraryStep.category)
            .where(LibraryStep.trust_id == trust.id)
            .distinct()
            .order_by(LibraryStep.category)
        )
    )


def add_step(
    actor: User,
    trust: Trust,
    school: School | None,
    category: str,
    title: str,
    guidance: str,
    **practice_plan: str,
) -> LibraryStep:
    """`practice_plan`: practice_rehearse and practice_success, each optional."""
    step = LibraryStep(
        trust_id=trust.id,
        school_id=school.id if school else None,
        category=category,
        title=title,
        guidance=guidance,
        **practice_plan,
    )
    db.session.add(step)
    db.session.flush()
    audit(
        trust.id,
        actor,
        "library.add",
        f"Added the step '{title}' ({category}) for " + (school.name if school else "all schools"),
        step_id=step.id,
        category=category,
        school=school.slug if school else None,
    )
    return step


def edit_step(actor: User, step: LibraryStep, school: School | None, **fields) -> dict:
    """Change category, title, guidance, practice plan or school; visits keep the text (and
    steps the plan) they were given."""
    fields["school_id"] = school.id if school else None
    changes = {
        name: [getattr(step, name), value]
        for name, value in fields.items()
        if getattr(step, name) != value
    }
    for name, (_, value) in changes.items():
        setattr(step, name, value)
    if changes:
        audit(
            step.trust_id,
            actor,
            "library.edit",
            f"Edited the step '{step.title}'",
            step_id=step.id,
            changes=changes,
        )
    db.session.flush()
    return changes


def set_retired(actor: User, step: LibraryStep, retired: bool) -> None:
    if (step.retired_at is not None) == retired:
        return
    step.retired_at = utcnow() if retired else None
    action = "library.retire" if retired else "library.restore"
    verb = "Retired" if retired else "Brought back"
    audit(step.trust_id, actor, action, f"{verb} the step '{step.title}'", step_id=step.id)
    db.session.flush()
