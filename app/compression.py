"""gzip for what a phone downloads on its first visit: static files (compressed once, kept
in memory), the service worker, and the pages the worker keeps for offline use.

Other pages are left alone: they may echo what a request sent next to the CSRF token,
and compressing such a page leaks the token's bytes through its length (BREACH). The
pages listed here echo nothing from the request.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, current_app, request

#: The worker, the offline page and the pages it keeps (pwa.routes.OFFLINE_PAGES: a test
#: checks every one of them is here).
COMPRESSED_PAGES = {"pwa.service_worker", "pwa.offline", "capture.new_visit", "capture.outbox"}
COMPRESSIBLE_TYPES = {
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
    "text/html",
    "text/plain",
}
#: Smaller than this, gzip's header costs more than it saves.
MIN_BYTES = 512


@lru_cache(maxsize=256)
def _gzipped_file(path: Path, modified: float, size: int) -> bytes:
    """A static file compressed once per version (its time and size are in the key)."""
    return gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)


def _static_body(filename: str) -> bytes | None:
    path = Path(current_app.static_folder, filename).resolve()
    try:
        stat = path.stat()
    except OSError:
        return None
    return _gzipped_file(path, stat.st_mtime, stat.st_size)


def _compressed_body(response: Response) -> bytes | None:
    if request.endpoint == "static":
        return _static_body(request.view_args["filename"])
    if request.endpoint in COMPRESSED_PAGES and not response.is_streamed:
        return gzip.compress(response.get_data(), compresslevel=6, mtime=0)
    return None


def compress(response: Response) -> Response:
    if (
        response.status_code != 200
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE_TYPES
        or "gzip" not in request.accept_encodings
        or (response.content_length or MIN_BYTES) < MIN_BYTES
    ):
        return response
    body = _compressed_body(response)
    if body is None:
        return response
    if hasattr(response.response, "close"):
        response.response.close()  # the static file, opened to send as it was
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    etag, _ = response.get_etag()
    if etag:  # another representation of the same file: a weak validator
        response.set_etag(etag, weak=True)
    return response


def register(app: Flask) -> None:
    app.after_request(compress)
