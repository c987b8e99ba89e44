"""Storing one uploaded photo, idempotently on its client-made id."""

from __future__ import annotations

import hashlib
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from app import limits
from app.errors import Refused
from app.extensions import db
from app.idempotent import insert_once, lock_row, photo_id_claimed_elsewhere
from app.models import Photo, Visit
from app.photos.processing import PhotoRefused, process_photo
from app.photos.storage import StorageUnavailable, photo_storage


@dataclass
class PhotoResult:
    photo: Photo
    created: bool
    #: Files written by this request: deleted again if the transaction does not commit.
    new_keys: list[str] = field(default_factory=list)


def store_photo(visit: Visit, photo_id: uuid.UUID, data: bytes, caption: str | None) -> PhotoResult:
    """201 the first time; the same bytes again 200; other bytes under the same id 409.

    The bytes are processed and written before the row is inserted with ON CONFLICT DO
    NOTHING; a request that loses a race deletes its own files and answers as a replay."""
    sha256 = hashlib.sha256(data).hexdigest()
    existing = db.session.get(Photo, photo_id)
    if existing is not None:
        return _replay(existing, visit, sha256, caption)
    listed_here = str(photo_id) in (visit.expected_photo_ids or [])
    if not listed_here and photo_id_claimed_elsewhere(visit.id, photo_id):
        raise Refused(409, "That photo id belongs to another visit.")
    _check_room(visit)
    try:
        with processing_slot():
            processed = process_photo(data)
    except PhotoRefused as refused:
        raise Refused(refused.status, refused.message) from None

    keys = _put_both(processed.display, processed.thumbnail)
    row = {
        "id": photo_id,
        "visit_id": visit.id,
        "storage_key": keys[0],
        "thumbnail_key": keys[1],
        "width": processed.width,
        "height": processed.height,
        "bytes": len(processed.display),
        "sha256": sha256,
        "caption": caption or "",
    }
    try:
        # One upload at a time per visit from here to the commit, so concurrent uploads
        # cannot all see room for one more photo.
        lock_row(Visit, visit.id)
        _check_room(visit)
        inserted = insert_once(Photo, row)
    except Exception:
        discard(keys)
        raise
    if not inserted:  # a concurrent replay stored it first
        discard(keys)
        photo = db.session.get(Photo, photo_id, populate_existing=True)
        return _replay(photo, visit, sha256, caption)
    db.session.expire(visit, ["photos"])
    return PhotoResult(db.session.get(Photo, photo_id), created=True, new_keys=keys)


def _check_room(visit: Visit) -> None:
    count = db.session.scalar(sa.select(sa.func.count(Photo.id)).where(Photo.visit_id == visit.id))
    if count >= limits.PHOTOS_PER_VISIT:
        message = f"A visit holds at most {limits.PHOTOS_PER_VISIT} photos."
        raise Refused(422, errors={"photo": [message]})


@contextmanager
def processing_slot():
    """Decoding a photo takes up to MEMORY_BUDGET: at most PHOTO_PROCESSING_SLOTS at once
    in one worker. A photo that waits too long answers 503 and the device sends it again."""
    slots = current_app.extensions["dropin_photo_slots"]
    if not slots.acquire(timeout=current_app.config["PHOTO_SLOT_WAIT"]):
        raise Refused(503, "The server is busy with other photos: this one is sent again soon.")
    try:
        yield
    finally:
        slots.release()


def _put_both(display: bytes, thumbnail: bytes) -> list[str]:
    """Both files or neither: a store that fails half-way keeps no stray display file."""
    storage = photo_storage()
    keys = [storage.put(display)]
    try:
        keys.append(storage.put(thumbnail))
    except StorageUnavailable:
        discard(keys)
        raise
    return keys


def _replay(photo: Photo, visit: Visit, sha256: str, caption: str | None) -> PhotoResult:
    if photo.visit_id != visit.id:
        raise Refused(409, "That photo id belongs to another visit.")
    if photo.sha256 != sha256:
        raise Refused(409, "A different photo was already saved under this id.")
    if caption is not None and caption != photo.caption:
        photo.caption = caption
        db.session.flush()
    return PhotoResult(photo, created=False)


def discard(keys: list[str]) -> None:
    """Best effort: a file left behind when the store is down is found by photos-check."""
    storage = photo_storage()
    for key in keys:
        try:
            storage.delete(key)
        except StorageUnavailable:
            current_app.logger.warning("photo file %s left in %s", key, storage.location)
