"""What the app needs from the server in front of it: the client's real address behind
a proxy, a deadline for request bodies, and access logs without secrets in them."""

from __future__ import annotations

import io
import logging
import re
import time

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

#: Sign-in and reset links carry their token in the path.
SECRET_IN_PATH = re.compile(r"(/(?:invite|reset)/)[^/?#\s\"']+")


def scrub(text):
    """The same text with link tokens replaced, for any log line."""
    if not isinstance(text, str):
        return text
    return SECRET_IN_PATH.sub(r"\1[token]", text)


class ScrubTokens(logging.Filter):
    """For werkzeug's access log (the development server)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub(arg) for arg in record.args)
        return True


class BodyDeadline:
    """Reads the whole request body before the app runs, within `seconds` in total.

    A client that stalls part-way through its body is answered 408 and dropped once the
    deadline passes, and it never holds a database connection meanwhile (the body is in
    memory before any view starts). Under gunicorn the socket is in the environ; other
    servers pass through unchanged.
    """

    def __init__(self, app, seconds: float, max_bytes: int):
        self.app = app
        self.seconds = seconds
        self.max_bytes = max_bytes

    def __call__(self, environ, start_response):
        sock = environ.get("gunicorn.socket")
        length = environ.get("CONTENT_LENGTH") or ""
        if sock is None or not length.isdigit() or not 0 < int(length) <= self.max_bytes:
            return self.app(environ, start_response)
        try:
            body = self._read(environ["wsgi.input"], sock, int(length))
        except (TimeoutError, OSError):
            start_response("408 Request Timeout", [("Connection", "close"), *_TEXT])
            return [b"The request took too long to arrive."]
        finally:
            sock.settimeout(None)
        environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)

    def _read(self, stream, sock, length: int) -> bytes:
        deadline = time.monotonic() + self.seconds
        chunks, remaining = [], length
        while remaining > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            sock.settimeout(left)
            chunk = stream.read(min(remaining, 64 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)


_TEXT = [("Content-Type", "text/plain; charset=utf-8")]


def register(app: Flask) -> None:
    """PROXY_HOPS trusted proxies set the client's address, scheme and host (ProxyFix);
    bodies get REQUEST_BODY_TIMEOUT seconds to arrive."""
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )
    app.wsgi_app = BodyDeadline(  # type: ignore[method-assign]
        app.wsgi_app, app.config["REQUEST_BODY_TIMEOUT"], app.config["MAX_CONTENT_LENGTH"]
    )
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, ScrubTokens) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(ScrubTokens())


def gunicorn_logger_class():
    """gunicorn's logger with tokens scrubbed from every access-log field."""
    from gunicorn.glogging import Logger

    class ScrubbingLogger(Logger):
        def atoms(self, resp, req, environ, request_time):
            return {
                key: scrub(value)
                for key, value in super().atoms(resp, req, environ, request_time).items()
            }

    return ScrubbingLogger
