"""The visit's JSON answer, written out by hand: VisitOutSchema's fields (app.schemas, which
documents them) without marshmallow's per-field machinery, which cost more than any one of
the sync PUT's queries. A test keeps the two identical."""

from __future__ import annotations

from datetime import datetime

from flask import url_for

from app.models import ActionStep, Photo, Visit


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _person(user) -> dict | None:
    return None if user is None else {"id": user.id, "name": user.name}


def step_answer(step: ActionStep) -> dict:
    library = step.library_step
    return {
        "id": step.id,
        "text": step.text,
        "library_step_id": step.library_step_id,
        "category": library.category if library else None,
        "status": step.status,
        "status_changed_at": _moment(step.status_changed_at),
        "acknowledged_at": _moment(step.acknowledged_at),
        "reflection": step.reflection,
        "reflected_at": _moment(step.reflected_at),
        "set_at": _moment(step.set_at),
        "closed_at": _moment(step.closed_at),
        "practice_plan": {"rehearse": step.practice_rehearse, "success": step.practice_success},
        "visit_ids": [str(visit.id) for visit in step.visits],
    }


def photo_answer(photo: Photo) -> dict:
    return {
        "id": str(photo.id),
        "visit_id": str(photo.visit_id),
        "url": url_for("photos.display", photo_id=photo.id),
        "thumbnail_url": url_for("photos.thumbnail", photo_id=photo.id),
        "width": photo.width,
        "height": photo.height,
        "bytes": photo.bytes,
        "caption": photo.caption,
    }


def visit_answer(visit: Visit) -> dict:
    """VisitOutSchema().dump(visit), reflection included (app.api.visits hides it)."""
    step = visit.action_step
    photo_ids = visit.expected_photo_ids
    return {
        "id": str(visit.id),
        "teacher_id": visit.teacher_id,
        "teacher": _person(visit.teacher),
        "coach": _person(visit.coach),
        "school": visit.school.slug,
        "started_at": _moment(visit.started_at),
        "duration_minutes": visit.duration_minutes,
        "class_name": visit.class_name,
        "subject": visit.subject,
        "notes": visit.notes,
        "captured_offline": visit.captured_offline,
        "action_step": None if step is None else step_answer(step),
        "photo_ids": None if photo_ids is None else [str(each) for each in photo_ids],
        "photos": [photo_answer(photo) for photo in visit.photos],
        "complete": visit.is_complete,
        "created_at": _moment(visit.created_at),
        "updated_at": _moment(visit.updated_at),
        "client_created_at": _moment(visit.client_created_at),
        "client_updated_at": _moment(visit.client_updated_at),
    }
