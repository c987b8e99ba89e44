"""Security headers on every response, and caching rules for private data."""

from flask import Flask, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from app.htmx import add_vary_hx_request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


#: Sent on every response unless the view set its own (name lower-cased, name, value).
EVERY_RESPONSE = [
    (name.lower(), name, value)
    for name, value in (
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(self), geolocation=(), microphone=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )
]


def set_security_headers(response):
    headers = response.headers
    # One look at the headers already set, not one per header added (Headers.setdefault
    # scans them all each time).
    present = {name.lower() for name in headers.keys()}
    headers.extend([(name, value) for key, name, value in EVERY_RESPONSE if key not in present])
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if not request.path.startswith("/static/") and "Cache-Control" not in headers:
        # Pages hold pupils' and teachers' data: never in a shared cache.
        headers["Cache-Control"] = "private, no-cache"
    if response.mimetype == "text/html":
        # Whose page this is ("" when signed out): the service worker keeps each person's
        # pages in their own cache, so a shared tablet never shows one person's to another.
        headers["X-Dropin-User"] = str(current_user.id) if current_user.is_authenticated else ""
    add_vary_hx_request(response)
    return response


NUL_MESSAGE = "Text cannot contain NUL characters (\\0): remove them and try again."


def refuse_nul_characters():
    """No stored text holds a NUL (PostgreSQL refuses them, so would a CSV reader): any
    query parameter or form field carrying one is a 400 with a clear message."""
    values = [*request.args.keys(), *request.args.values()]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values):
        refused = BadRequest()
        refused.dropin_message = NUL_MESSAGE  # type: ignore[attr-defined]
        raise refused


def register(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.after_request(set_security_headers)
