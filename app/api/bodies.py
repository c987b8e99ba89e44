"""Reading request bodies safely: never more than a limit, never a 500 on bad input."""

from __future__ import annotations

import json

from flask import request
from marshmallow import Schema, ValidationError

from app.errors import Refused

_CHUNK = 64 * 1024


def read_body(limit: int, too_large: str) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed `limit`: from
    Content-Length before reading anything, else while streaming (chunked uploads)."""
    if request.content_length is not None and request.content_length > limit:
        raise Refused(413, too_large)
    chunks, total = [], 0
    while True:
        chunk = request.stream.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise Refused(413, too_large)


def load_json(schema: Schema, limit: int):
    """The JSON body loaded through `schema`: 415 if not JSON, 413 if too long, 400 if it
    does not parse, 422 naming each bad field."""
    if request.mimetype != "application/json":
        raise Refused(415, "Send the body as application/json.")
    body = read_body(limit, f"The body is over {limit // 1024} KB.")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "The body is not valid JSON.") from None
    try:
        return schema.load(payload)
    except ValidationError as error:
        raise Refused(422, errors=error.messages) from None
