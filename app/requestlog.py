"""One JSON line per request on stderr: request id, method, path, status, duration and the
user's id (never a token, a password or an email). The request id comes from the proxy's
X-Request-ID when it sends a sane one, and goes back to the client in the same header, so
a coach's "it failed at 9:14" can be found in the logs of whichever app server answered."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
logger = logging.getLogger("dropin.request")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context() and "request_id" in g:
            line["request_id"] = g.request_id
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def _start() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if SANE_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _user_id() -> int | None:
    # Only a user this request already loaded: logging must not cost a query. The id comes
    # from the identity map: after a commit, `user.id` or `is_authenticated` (it reads
    # `active`) would load the user again, on a second connection.
    state = sa.inspect(g.get("_login_user"), raiseerr=False)  # None: anonymous, or none
    return state.identity[0] if state is not None and state.identity else None


def _logged_path() -> str:
    """The path, except that tokens in it (invitation and reset links) are not written."""
    if request.url_rule and any("token" in name for name in request.view_args or {}):
        return request.url_rule.rule
    return request.path


def _finish(response):
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers[HEADER] = request_id
    started = g.get("request_started", time.perf_counter())
    fields = {
        "request_id": request_id,
        "method": request.method,
        "path": _logged_path(),
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "user_id": _user_id(),
    }
    logger.info("request", extra={"fields": fields})
    return response


def _use_json_lines(app: Flask) -> None:
    for target in (logging.getLogger("dropin"), app.logger):
        if not any(isinstance(h.formatter, JsonFormatter) for h in target.handlers):
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(JsonFormatter())
            target.handlers = [handler]
        target.setLevel(logging.INFO)


def register(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    if app.config.get("LOG_JSON"):
        _use_json_lines(app)
