"""Error pages: JSON under /api/, HTML elsewhere. Never a stack trace, never a redirect
under /api/."""

from collections.abc import Callable

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from app.extensions import db


class Refused(Exception):
    """A request the service will not carry out: answered with `status` and, for 422, the
    messages per field (the shape marshmallow uses)."""

    def __init__(self, status: int, message: str | None = None, errors: dict | None = None):
        super().__init__(message or str(status))
        self.status = status
        self.message = message
        self.errors = errors


def field_errors(action: Callable[[], object]) -> dict | None:
    """A page's form carried out as the API would (its schema, its service): None when
    done, else the messages per field. A 422 refusal rolls back what it had begun; any
    other refusal goes on up. The caller commits."""
    try:
        action()
    except ValidationError as error:
        return error.messages
    except Refused as refused:
        if refused.status != 422:
            raise
        db.session.rollback()
        return refused.errors
    return None


class UnknownSchool(LookupError):
    """No such school, or one the user may not see: both answer 404 alike."""


MESSAGES = {
    400: "That request could not be understood.",
    401: "Please sign in again.",
    403: "You do not have access to that.",
    404: "Not found.",
    405: "That method is not allowed here.",
    409: "That conflicts with what is already saved.",
    413: "That is too large.",
    415: "That type of file is not accepted.",
    422: "Some fields need attention.",
    429: "Too many attempts. Please wait a minute and try again.",
    500: "Something went wrong on our side. Nothing you saved is lost.",
    503: "Photos cannot be stored or shown just now. Nothing is lost: try again shortly.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, errors: dict | None = None):
    message = message or MESSAGES.get(status, "Error.")
    if wants_json():
        body = {"error": message}
        if errors:
            body["errors"] = errors
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def handle_http_exception(error: HTTPException):
    # 401/403 answer 404 outside the API so ids leak nothing; the API says 401 to ask
    # the device to sign in again.
    status = error.code or 500
    body, status = error_response(status, getattr(error, "dropin_message", None))
    response = make_response(body, status)
    for name in ("Allow", "Retry-After"):  # 405 says which methods would do
        for header, value in error.get_headers():
            if header == name:
                response.headers[name] = value
    return response


def handle_csrf_error(error: CSRFError):
    if wants_json() and not current_user.is_authenticated:
        return error_response(401)
    return error_response(
        400,
        "Your session form has expired. Reload the page and try again.",
        {"csrf_token": [error.description]},
    )


def handle_refused(error: Refused):
    return error_response(error.status, error.message, error.errors)


def handle_unexpected(error: Exception):
    current_app.logger.exception("Unhandled error")
    return error_response(500)


def register(app: Flask) -> None:
    app.register_error_handler(Refused, handle_refused)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
