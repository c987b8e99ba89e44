"""Who may administer what.

Admins administer their own trust(s) only (authz.administered_trust_ids); anything else
answers 404, for signed-in non-admins too, so admin URLs leak nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from app.admin.services import RuleBroken, person_in_trust
from app.authz import administered_trust_ids
from app.extensions import db
from app.models import CoachingPair, LibraryStep, School, Trust, User

T = TypeVar("T")


def admin_required(view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not administered_trusts():
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def administered_trusts() -> list[Trust]:
    return list(
        db.session.scalars(
            sa.select(Trust)
            .where(Trust.id.in_(administered_trust_ids(current_user)))
            .order_by(Trust.name)
        )
    )


def trust_or_404(trust_id: int) -> Trust:
    trust = db.session.scalar(
        sa.select(Trust).where(
            Trust.id == trust_id, Trust.id.in_(administered_trust_ids(current_user))
        )
    )
    if trust is None:
        abort(404)
    return trust


def school_or_404(school_id: int) -> School:
    school = db.session.scalar(
        sa.select(School).where(
            School.id == school_id, School.trust_id.in_(administered_trust_ids(current_user))
        )
    )
    if school is None:
        abort(404)
    return school


def person_or_404(trust: Trust, user_id: int) -> User:
    person = person_in_trust(trust, user_id)
    if person is None:
        abort(404)
    return person


def pair_or_404(pair_id: int) -> CoachingPair:
    pair = db.get_or_404(CoachingPair, pair_id)
    school_or_404(pair.school_id)
    return pair


def library_step_or_404(step_id: int) -> LibraryStep:
    step = db.get_or_404(LibraryStep, step_id)
    trust_or_404(step.trust_id)
    return step


def show_rule(form, broken: RuleBroken) -> None:
    """Put a refused change's message at its field (or above the form)."""
    field = getattr(form, broken.field, None)
    if field is not None:
        field.errors = [*field.errors, broken.message]
    else:
        form.form_errors.append(broken.message)


def save(form, change: Callable[[], T]) -> T | None:
    """Validate the form, make the change and commit. A broken rule rolls back and goes
    to its field; returns the change's result, or None when nothing was saved."""
    if not form.validate_on_submit():
        return None
    try:
        result = change()
    except RuleBroken as broken:
        db.session.rollback()
        show_rule(form, broken)
        return None
    db.session.commit()
    return result
