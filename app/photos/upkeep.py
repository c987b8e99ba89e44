"""Keeping the photo store and the database in step: find files without rows and rows without
files (photos-check), and copy every photo from one store to another, verified by hash
(photos-migrate, also the photo half of a backup and of a restore)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Photo
from app.photos.storage import PhotoStorage, StoredFile, key_of


@dataclass(frozen=True)
class MissingFile:
    photo_id: uuid.UUID
    visit_id: uuid.UUID
    kind: str  # "display" or "thumbnail"
    key: str


@dataclass
class PhotoCheck:
    rows: int = 0
    files: int = 0
    files_without_rows: list[StoredFile] = field(default_factory=list)
    rows_without_files: list[MissingFile] = field(default_factory=list)


def _photo_keys() -> Iterator[MissingFile]:
    """Every file a photo row refers to."""
    query = sa.select(Photo.id, Photo.visit_id, Photo.storage_key, Photo.thumbnail_key)
    for photo_id, visit_id, display, thumbnail in db.session.execute(query):
        yield MissingFile(photo_id, visit_id, "display", display)
        yield MissingFile(photo_id, visit_id, "thumbnail", thumbnail)


def check_photos(storage: PhotoStorage) -> PhotoCheck:
    """The store is listed before the rows are read, so a photo stored while this runs is
    seen with its row, never taken for a stray."""
    files = list(storage.files())
    referenced = list(_photo_keys())
    wanted = {photo.key for photo in referenced}
    present = {key_of(stored.key) for stored in files}
    return PhotoCheck(
        rows=len({photo.photo_id for photo in referenced}),
        files=len(files),
        files_without_rows=[stored for stored in files if key_of(stored.key) not in wanted],
        rows_without_files=[photo for photo in referenced if photo.key not in present],
    )


def remove_strays(storage: PhotoStorage, strays: list[StoredFile], min_age: timedelta) -> int:
    """Remove files without rows older than min_age (an upload in progress writes its files
    a moment before its row); each is checked against the database once more first."""
    cutoff = datetime.now(UTC) - min_age
    removed = 0
    for stored in strays:
        key = key_of(stored.key)
        if stored.modified_at > cutoff or (key is not None and _is_referenced(key)):
            continue
        storage.remove(stored.key)
        removed += 1
    return removed


def _is_referenced(key: str) -> bool:
    where = sa.or_(Photo.storage_key == key, Photo.thumbnail_key == key)
    return db.session.scalar(sa.select(sa.func.count()).where(where)) > 0


@dataclass
class CopyResult:
    copied: int = 0
    already_there: int = 0
    missing: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def copy_photos(source: PhotoStorage, target: PhotoStorage, progress=None) -> CopyResult:
    """Copy every photo file the database refers to, under the same key, so the rows stay
    valid in either store. Resumable: a file already in the target with the same SHA-256 is
    skipped. Each copy is read back from the target and compared by hash."""
    result = CopyResult()
    for number, photo in enumerate(_photo_keys(), start=1):
        try:
            data = source.read(photo.key)
        except FileNotFoundError:
            result.missing.append(photo.key)
            continue
        digest = hashlib.sha256(data).hexdigest()
        if _sha256_in(target, photo.key) == digest:
            result.already_there += 1
        else:
            target.write(photo.key, data)
            if _sha256_in(target, photo.key) == digest:
                result.copied += 1
            else:
                result.failed.append(photo.key)
        if progress and number % 100 == 0:
            progress(number)
    return result


def _sha256_in(storage: PhotoStorage, key: str) -> str | None:
    try:
        return hashlib.sha256(storage.read(key)).hexdigest()
    except FileNotFoundError:
        return None
