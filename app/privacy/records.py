"""The deletes and anonymisations that retention and erasure share. Each is idempotent: it
acts on rows by id, and counts only the rows it really changed (the database's rowcount),
so two runs at once never count one row twice and a second run changes nothing.

Services flush, never commit; photo files go from the store before their rows, so a
failure leaves a row without a file (the photo is gone either way), never a file nobody
can find any more.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import ActionStep, Photo, StepComment, StepView, User, Visit, utcnow
from app.photos.storage import photo_storage
from app.steps.models import PracticeEntry

#: The one account anonymised visits and steps point at: no roles, cannot sign in.
FORMER_STAFF_EMAIL = "former-staff@dropin.invalid"
FORMER_STAFF_NAME = "Former member of staff"


def former_staff() -> User:
    """The placeholder for names removed (made on first use; two makers at once both end
    with the one row the email's uniqueness allows)."""
    found = existing_former_staff()
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            db.session.add(User(email=FORMER_STAFF_EMAIL, name=FORMER_STAFF_NAME, active=False))
    except sa.exc.IntegrityError:
        pass
    return existing_former_staff()


def _rowcount(statement) -> int:
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount


def delete_photos(photo_ids: Iterable[uuid.UUID]) -> int:
    """Delete photos (files, then rows); returns how many rows went. A visit that stays no
    longer expects them, so it still counts as complete (not "photos still arriving")."""
    ids = list(photo_ids)
    if not ids:
        return 0
    storage = photo_storage()
    rows = db.session.execute(
        sa.select(Photo.visit_id, Photo.storage_key, Photo.thumbnail_key).where(Photo.id.in_(ids))
    ).all()
    for _, display, thumbnail in rows:
        storage.delete(display)
        storage.delete(thumbnail)
    removed = _rowcount(sa.delete(Photo).where(Photo.id.in_(ids)))
    _no_longer_expected({visit_id for visit_id, _, _ in rows}, {str(i) for i in ids})
    return removed


def _no_longer_expected(visit_ids: set[uuid.UUID], photo_ids: set[str]) -> None:
    expected = db.session.execute(
        sa.select(Visit.id, Visit.expected_photo_ids).where(Visit.id.in_(visit_ids))
    )
    for visit_id, listed in expected:
        kept = [photo_id for photo_id in listed or [] if photo_id not in photo_ids]
        if kept != (listed or []):
            db.session.execute(
                sa.update(Visit).where(Visit.id == visit_id).values(expected_photo_ids=kept),
                execution_options={"synchronize_session": False},
            )


def photos_of_visits(visit_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    if not visit_ids:
        return []
    return list(db.session.scalars(sa.select(Photo.id).where(Photo.visit_id.in_(visit_ids))))


def existing_former_staff() -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == FORMER_STAFF_EMAIL))


def delete_visits(visit_ids: list[uuid.UUID], with_orphan_steps: bool = True) -> int:
    """Delete visits with their photos; steps left without any visit go too, unless the
    caller deletes those itself (retention counts them)."""
    if not visit_ids:
        return 0
    delete_photos(photos_of_visits(visit_ids))
    steps = set(
        db.session.scalars(
            sa.select(Visit.action_step_id).where(
                Visit.id.in_(visit_ids), Visit.action_step_id.is_not(None)
            )
        )
    )
    removed = _rowcount(sa.delete(Visit).where(Visit.id.in_(visit_ids)))
    if with_orphan_steps:
        delete_steps(orphan_steps(steps))
    return removed


def orphan_steps(step_ids: Iterable[int]) -> list[int]:
    """Of these steps, those no visit refers to any more."""
    ids = list(step_ids)
    if not ids:
        return []
    with_visits = sa.select(Visit.action_step_id).where(Visit.action_step_id.in_(ids))
    return list(
        db.session.scalars(
            sa.select(ActionStep.id).where(
                ActionStep.id.in_(ids), ActionStep.id.not_in(with_visits)
            )
        )
    )


def delete_steps(step_ids: list[int]) -> int:
    """Steps with their conversation, practice log and "last read" marks. Visits must no
    longer refer to them."""
    if not step_ids:
        return 0
    _rowcount(sa.delete(StepComment).where(StepComment.step_id.in_(step_ids)))
    _rowcount(sa.delete(PracticeEntry).where(PracticeEntry.step_id.in_(step_ids)))
    _rowcount(sa.delete(StepView).where(StepView.step_id.in_(step_ids)))
    return _rowcount(sa.delete(ActionStep).where(ActionStep.id.in_(step_ids)))


def anonymise_visits(visit_ids: list[uuid.UUID], placeholder: User) -> int:
    """Keep the visits for counts (school, date, length, class, subject, step) without the
    people: both names point at the placeholder, the notes and photos go."""
    if not visit_ids:
        return 0
    delete_photos(photos_of_visits(visit_ids))
    not_yet = sa.or_(Visit.coach_id != placeholder.id, Visit.teacher_id != placeholder.id)
    return _rowcount(
        sa.update(Visit)
        .where(Visit.id.in_(visit_ids), not_yet)
        .values(coach_id=placeholder.id, teacher_id=placeholder.id, notes="", updated_at=utcnow())
    )


def anonymise_steps(step_ids: list[int], placeholder: User, now: datetime) -> int:
    """The steps stay (text, library step, status) without their teacher: the reflection
    and the conversation go (and the practice log: the teacher's own); a step still live
    is closed as replaced, as a placeholder cannot hold more than one live step."""
    if not step_ids:
        return 0
    _rowcount(sa.delete(StepComment).where(StepComment.step_id.in_(step_ids)))
    _rowcount(sa.delete(PracticeEntry).where(PracticeEntry.step_id.in_(step_ids)))
    _rowcount(sa.delete(StepView).where(StepView.step_id.in_(step_ids)))
    ours = sa.and_(ActionStep.id.in_(step_ids), ActionStep.teacher_id != placeholder.id)
    _rowcount(
        sa.update(ActionStep)
        .where(ours, ActionStep.is_live_clause())
        .values(status="replaced", status_changed_at=now, closed_at=now)
    )
    return _rowcount(
        sa.update(ActionStep)
        .where(ours)
        .values(teacher_id=placeholder.id, reflection="", reflected_at=None, acknowledged_at=None)
    )
