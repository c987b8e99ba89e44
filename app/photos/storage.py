"""Where processed photos live, behind one small interface with two backends: a local folder
(PHOTO_DIR, the default) and an S3-compatible object store (PHOTO_STORAGE=s3://bucket/prefix,
app/photos/s3.py).

Keys are 256 random bits (URL-safe base64), never derived from ids or names, so knowing a
visit or photo id tells nobody where its file is. Both backends keep a photo under the same
key, so photos copied from one to the other (`flask photos-migrate`) need no database change.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from flask import current_app

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}\.jpg$")


class StorageUnavailable(Exception):
    """The photo store did not answer (down, unreachable, refusing us): retry later."""


@dataclass(frozen=True)
class StoredFile:
    key: str
    modified_at: datetime


class PhotoStorage(Protocol):
    #: Where the photos are, for messages: a folder or s3://bucket/prefix.
    location: str

    def put(self, data: bytes) -> str:
        """Store bytes under a new random key and return the key."""

    def write(self, key: str, data: bytes) -> None:
        """Store bytes under a given key (copying between stores)."""

    def read(self, key: str) -> bytes:
        """The bytes under key; FileNotFoundError when there are none."""

    def delete(self, key: str) -> None:
        """Remove key; nothing happens when it is already gone."""

    def files(self) -> Iterator[StoredFile]:
        """Everything in the store by name, photo keys or not (photos-check reports strays)."""

    def remove(self, name: str) -> None:
        """Remove a file by the name `files()` gave it (a stray photos-check found)."""

    def check(self) -> None:
        """Raise StorageUnavailable unless the store answers (the readiness check)."""


def new_key() -> str:
    return secrets.token_urlsafe(32) + ".jpg"


def check_key(key: str) -> str:
    if not KEY_PATTERN.match(key):
        raise ValueError("not a photo storage key")
    return key


class LocalPhotoStorage:
    """Files in a folder, spread over 256 subfolders by the key's first two characters."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.location = str(self.root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / check_key(key)

    def put(self, data: bytes) -> str:
        key = new_key()
        self.write(key, data)
        return key

    def write(self, key: str, data: bytes) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{secrets.token_hex(4)}.part")
        partial.write_bytes(data)
        os.replace(partial, target)  # never a half-written photo under its key

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def files(self) -> Iterator[StoredFile]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file():
                modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                yield StoredFile(path.relative_to(self.root).as_posix(), modified)

    def remove(self, name: str) -> None:
        path = (self.root / name).resolve()
        if self.root.resolve() in path.parents:
            path.unlink(missing_ok=True)

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageUnavailable(f"{self.root} cannot be created: {error}") from None
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StorageUnavailable(f"{self.root} is not writable")


def key_of(stored_name: str) -> str | None:
    """The photo key a stored file holds, or None for anything else (partial writes)."""
    key = stored_name.rsplit("/", 1)[-1]
    return key if KEY_PATTERN.match(key) else None


def storage_for(location: str) -> PhotoStorage:
    """`s3://bucket/prefix` or a folder."""
    if location.startswith("s3://"):
        from app.photos.s3 import S3PhotoStorage

        return S3PhotoStorage.from_url(location)
    return LocalPhotoStorage(location)


def photo_storage() -> PhotoStorage:
    """The app's store: one per app, so the S3 client (and its connections) is reused."""
    storage = current_app.extensions.get("dropin_photo_storage")
    if storage is None:
        location = current_app.config.get("PHOTO_STORAGE") or current_app.config["PHOTO_DIR"]
        storage = current_app.extensions["dropin_photo_storage"] = storage_for(location)
    return storage
