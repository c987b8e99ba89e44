"""How admin routes find what they act on: 404 for what app.authz says the admin may not
administer (for signed-in non-admins too, so admin URLs leak nothing). The rules
themselves live in app.authz.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user, login_required

from app import authz
from app.admin.services import RuleBroken
from app.extensions import db
from app.models import CoachingPair, LibraryStep, School, Trust, User

T = TypeVar("T")


def admin_required(view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not authz.may_administer(current_user):
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def administered_trusts() -> list[Trust]:
    return authz.administered_trusts(current_user)


def _or_404(found: T | None) -> T:
    if found is None:
        abort(404)
    return found


def trust_or_404(trust_id: int) -> Trust:
    return _or_404(authz.administered_trust(current_user, trust_id))


def school_or_404(school_id: int) -> School:
    return _or_404(authz.administered_school(current_user, school_id))


def person_or_404(trust: Trust, user_id: int) -> User:
    return _or_404(authz.administered_person(trust, user_id))


def pair_or_404(pair_id: int) -> CoachingPair:
    return _or_404(authz.administered_pair(current_user, pair_id))


def library_step_or_404(step_id: int) -> LibraryStep:
    return _or_404(authz.administered_library_step(current_user, step_id))


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


def cycle_or_404(cycle_id: int):
    return _or_404(authz.administered_cycle(current_user, cycle_id))
