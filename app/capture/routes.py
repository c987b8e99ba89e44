from flask import current_app, jsonify, render_template, request
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from app.capture import bp
from app.capture.services import capture_context

SEARCH_MAX_LENGTH = 100


@bp.route("/visits/new")
@login_required
def new_visit():
    return render_template("capture/new.html", capture=capture_context(current_user))


@bp.get("/capture/teachers")
@login_required
def teachers():
    """The capture page's search box, online, when its list of teachers was capped (a
    trust lead): the matching teachers in the page's own shape, with their current steps
    and their schools' library."""
    search = request.args.get("q", "").strip()
    if len(search) > SEARCH_MAX_LENGTH:
        return jsonify({"error": f"Search for at most {SEARCH_MAX_LENGTH} characters."}), 400
    response = jsonify(capture_context(current_user, search=search))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/outbox")
@login_required
def outbox():
    """The captures waiting on this device; the list itself comes from IndexedDB."""
    return render_template("capture/outbox.html")


@bp.route("/capture/session")
def sync_session():
    """A fresh CSRF token and the signed-in user's id, fetched just before each sync run
    so a token is never stored with a capture. 401 JSON (never a redirect) when signed out."""
    if not current_user.is_authenticated:
        return jsonify({"error": "Please sign in again.", "signed_in": False}), 401
    response = jsonify({"user_id": current_user.id, "csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def sync_settings():
    config = current_app.config
    return {
        "sync_settings": {
            "retry_base_ms": config["SYNC_RETRY_BASE_MS"],
            "request_timeout_ms": config["SYNC_REQUEST_TIMEOUT_MS"],
            "max_delay_ms": config["SYNC_MAX_DELAY_MS"],
        }
    }
