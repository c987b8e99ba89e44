"""PUT /api/v1/visits/<uuid>/photos/<uuid>: the image bytes as the body."""

from __future__ import annotations

import uuid
from urllib.parse import unquote

from flask import current_app, jsonify, request
from flask_login import current_user, login_required

from app import limits
from app.api import bp
from app.api.bodies import read_body
from app.authz import visit_for_photo_upload
from app.errors import Refused
from app.extensions import db
from app.photos.services import discard, store_photo
from app.schemas import PhotoUploadOutSchema

ACCEPTED_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif")
CAPTION_HEADER = "X-Photo-Caption"


def caption_from_header() -> str | None:
    """The optional caption: percent-encoded UTF-8 (headers are Latin-1 only)."""
    raw = request.headers.get(CAPTION_HEADER)
    if raw is None:
        return None
    try:
        caption = unquote(raw, errors="strict").strip()
    except UnicodeDecodeError:
        caption = None
    if caption is None or "\x00" in caption:
        raise Refused(422, errors={"caption": ["Percent-encode the caption as UTF-8."]})
    if len(caption) > limits.CAPTION:
        message = f"At most {limits.CAPTION} characters."
        raise Refused(422, errors={"caption": [message]})
    return caption


@bp.put("/visits/<uuid:visit_id>/photos/<uuid:photo_id>")
@login_required
def put_photo(visit_id: uuid.UUID, photo_id: uuid.UUID):
    visit = visit_for_photo_upload(current_user, visit_id)
    if visit is None:
        raise Refused(404)
    if request.mimetype not in ACCEPTED_TYPES:
        raise Refused(415, "Send a JPEG, PNG, WebP or HEIC photo.")
    limit = current_app.config["MAX_PHOTO_BYTES"]
    data = read_body(limit, f"The photo is over {limit // (1024 * 1024)} MB.")
    caption = caption_from_header()

    result = store_photo(visit, photo_id, data, caption)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        discard(result.new_keys)
        raise
    answer = PhotoUploadOutSchema().dump(result.photo)
    return jsonify(answer), 201 if result.created else 200
