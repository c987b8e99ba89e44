"""Photos are served only here, to people allowed to see their visit, never to a shared
cache."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import abort, current_app, make_response, request
from flask_login import current_user, login_required

from app.authz import visible_visits_clause
from app.errors import error_response
from app.extensions import db
from app.models import Photo, Visit
from app.photos import bp
from app.photos.storage import StorageUnavailable, photo_storage


def _visible_photo_or_404(photo_id: uuid.UUID) -> Photo:
    photo = db.session.scalar(
        sa.select(Photo)
        .join(Visit, Visit.id == Photo.visit_id)
        .where(Photo.id == photo_id, visible_visits_clause(current_user))
    )
    if photo is None:
        abort(404)
    return photo


def _send_photo(key: str):
    """Streamed through the app from either store, never a redirect to the store: the one
    authorisation rule stays here, the store need not be reachable from phones, and no
    signed URL can leak through history, logs or a shared device."""
    if key in request.if_none_match:  # a key's bytes never change: no need to fetch them
        response = make_response("", 304)
    else:
        try:
            response = make_response(photo_storage().read(key))
        except FileNotFoundError:
            abort(404)
        response.mimetype = "image/jpeg"
    response.set_etag(key)
    # Pupils' work: the browser may keep it (and revalidate), a shared cache never.
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


@bp.app_errorhandler(StorageUnavailable)
def storage_unavailable(error: StorageUnavailable):
    """The photo store is down, wherever a photo was being stored or read: 503 and
    Retry-After, so the phone keeps the photo (its visit stays incomplete) and sends it
    again later."""
    current_app.logger.warning("Photo store unavailable: %s", error)
    response = make_response(*error_response(503))
    response.headers["Retry-After"] = "30"
    return response


@bp.get("/photos/<uuid:photo_id>")
@login_required
def display(photo_id: uuid.UUID):
    return _send_photo(_visible_photo_or_404(photo_id).storage_key)


@bp.get("/photos/<uuid:photo_id>/thumbnail")
@login_required
def thumbnail(photo_id: uuid.UUID):
    return _send_photo(_visible_photo_or_404(photo_id).thumbnail_key)
