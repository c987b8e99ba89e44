"""Where processed photos live, behind a small interface: put bytes, get a random key back;
read and delete by key. The local-folder backend keeps them under PHOTO_DIR.

Keys are 256 random bits (URL-safe base64), never derived from ids or names, so knowing a
visit or photo id tells nobody where its file is. Another backend (S3-compatible object
storage) only has to provide the same three methods and be returned by `photo_storage()`.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Protocol

from flask import current_app

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}\.jpg$")


class PhotoStorage(Protocol):
    def put(self, data: bytes) -> str: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


def new_key() -> str:
    return secrets.token_urlsafe(32) + ".jpg"


class LocalPhotoStorage:
    """Files in a folder, spread over 256 subfolders by the key's first two characters."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY_PATTERN.match(key):
            raise ValueError("not a photo storage key")
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = new_key()
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        os.replace(partial, target)  # never a half-written photo under its key
        return key

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def photo_storage() -> PhotoStorage:
    return LocalPhotoStorage(current_app.config["PHOTO_DIR"])
