"""Photos in an S3-compatible object store (AWS S3, MinIO, Ceph, Garage…), through boto3.

boto3 reads the standard AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_DEFAULT_REGION itself. Objects are private (no ACL is ever set) and served only through
the app's authorised route. Short timeouts and one retry: a store that does not answer must
turn into a quick 503 the phone retries, not a worker stuck for minutes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.photos.storage import StorageUnavailable, StoredFile, check_key, new_key

MISSING = {"NoSuchKey", "404", "NotFound"}


def client_config() -> Config:
    # Self-hosted stores (MinIO, moto) answer on one host name: path-style addressing.
    style = "path" if os.environ.get("AWS_ENDPOINT_URL") else "auto"
    return Config(
        connect_timeout=float(os.environ.get("PHOTO_STORAGE_TIMEOUT", 5)),
        read_timeout=float(os.environ.get("PHOTO_STORAGE_TIMEOUT", 5)) * 2,
        retries={"max_attempts": 2, "mode": "standard"},
        s3={"addressing_style": style},
    )


class S3PhotoStorage:
    def __init__(self, bucket: str, prefix: str = ""):
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.location = f"s3://{bucket}/{self.prefix}"
        self.client = boto3.session.Session().client("s3", config=client_config())

    @staticmethod
    def check_url(url: str) -> tuple[str, str]:
        """The bucket and prefix of s3://bucket/prefix; ValueError for anything else."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"PHOTO_STORAGE must look like s3://bucket/prefix, not {url!r}")
        return parts.netloc, parts.path

    @classmethod
    def from_url(cls, url: str) -> S3PhotoStorage:
        return cls(*cls.check_url(url))

    def _object(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, data: bytes) -> str:
        key = new_key()
        self.write(key, data)
        return key

    def write(self, key: str, data: bytes) -> None:
        with _answers(self):
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._object(key),
                Body=data,
                ContentType="image/jpeg",
                Metadata={"sha256": hashlib.sha256(data).hexdigest()},
            )

    def read(self, key: str) -> bytes:
        with _answers(self):
            try:
                answer = self.client.get_object(Bucket=self.bucket, Key=self._object(key))
            except ClientError as error:
                if _code(error) in MISSING:
                    raise FileNotFoundError(key) from None
                raise
            return answer["Body"].read()

    def delete(self, key: str) -> None:
        self.remove(check_key(key))

    def remove(self, name: str) -> None:
        with _answers(self):
            self.client.delete_object(Bucket=self.bucket, Key=self.prefix + name)

    def files(self) -> Iterator[StoredFile]:
        with _answers(self):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            )
            for page in pages:
                for entry in page.get("Contents", []):
                    yield StoredFile(entry["Key"][len(self.prefix) :], entry["LastModified"])

    def check(self) -> None:
        with _answers(self):
            self.client.head_bucket(Bucket=self.bucket)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextmanager
def _answers(storage: S3PhotoStorage):
    """Turn 'the store did not answer' (connection refused, timeout, 5xx, no such bucket,
    credentials refused) into StorageUnavailable; a missing object stays FileNotFoundError."""
    try:
        yield
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(f"{storage.location}: {error}") from error
