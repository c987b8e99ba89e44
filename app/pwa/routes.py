"""The installable shell: the service worker at the root scope, the manifest, the offline
page."""

import hashlib
from pathlib import Path

from flask import current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.authz import landing_section
from app.pwa import bp

#: Static files of the pages the service worker precaches (capture, outbox, offline),
#: precached with them. Other pages' files (htmx, the teacher's page) are kept by the
#: worker the first time a page online uses them (staticCacheFirst), which is also when
#: that page is kept for offline use: the capture page's first load stays light.
SHELL_FILES = (
    "css/app.css",
    "css/capture.css",
    "js/app.js",
    "js/outbox.js",
    "js/answers.js",
    "js/sync.js",
    "js/signout.js",
    "js/status.js",
    "js/limits.js",
    "js/photos.js",
    "js/capture/form.js",
    "js/capture/search.js",
    "js/capture/steps.js",
    "js/capture/plan.js",
    "js/capture/verdict.js",
    "js/capture/photos.js",
    "js/capture/timer.js",
    "js/capture/save.js",
    "js/capture/draft.js",
    "js/capture/leave.js",
    "js/capture.js",
    "js/outbox-page.js",
    "js/pwa.js",
    "js/photo-viewer.js",
    "vendor/idb-8.0.4.umd.js",
    "icons/icon-192.png",
)
# The manifest's other icons are not precached: the browser fetches them when the app is
# installed, which happens online; offline, no page shows them.
#: Signed-in pages the worker keeps so a coach can capture from a cold start offline.
OFFLINE_PAGES = ("capture.new_visit", "capture.outbox")
#: Templates whose change should reach devices as a new service-worker version.
SHELL_TEMPLATES = (
    "pwa/sw.js",
    "pwa/offline.html",
    "capture/new.html",
    "capture/outbox.html",
    "base.html",
)


def shell_version() -> str:
    """A content hash of everything the worker precaches, so any change to the shell
    installs a new worker and a new cache, and nothing else does."""
    digest = hashlib.sha256(current_app.config.get("RELEASE", "").encode())
    static = Path(current_app.static_folder)
    templates = Path(current_app.root_path) / "templates"
    for path in [static / name for name in SHELL_FILES] + [templates / t for t in SHELL_TEMPLATES]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@bp.route("/sw.js")
def service_worker():
    body = render_template(
        "pwa/sw.js",
        version=shell_version(),
        shell=[url_for("static", filename=name) for name in SHELL_FILES] + [url_for("pwa.offline")],
        pages=[url_for(endpoint) for endpoint in OFFLINE_PAGES],
        offline_url=url_for("pwa.offline"),
        start_url=url_for("pwa.start"),
        worker_scripts=[
            url_for("static", filename=name)
            for name in (
                "vendor/idb-8.0.4.umd.js",
                "js/outbox.js",
                "js/answers.js",
                "js/sync.js",
                "js/signout.js",
            )
        ],
    )
    return (
        body,
        200,
        {
            "Content-Type": "text/javascript; charset=utf-8",
            # Browsers must check for a new worker on every visit.
            "Cache-Control": "no-cache",
            "Service-Worker-Allowed": "/",
        },
    )


@bp.route("/manifest.webmanifest")
def manifest():
    def icon(name: str, size: int, purpose: str) -> dict:
        return {
            "src": url_for("static", filename=f"icons/{name}-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }

    body = {
        "id": "/",
        "name": "Dropin: coaching drop-ins",
        "short_name": "Dropin",
        "description": "Ten-minute coaching drop-ins: notes, photos of pupils' work, one "
        "action step. Works offline.",
        "start_url": url_for("pwa.start"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": "#0b5563",
        "background_color": "#f3f6f7",
        "icons": [
            icon("icon", 192, "any"),
            icon("icon", 512, "any"),
            icon("maskable", 192, "maskable"),
            icon("maskable", 512, "maskable"),
        ],
    }
    response = current_app.response_class(
        current_app.json.dumps(body), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
def offline():
    """Shown by the service worker when a page is neither online nor kept on the device."""
    return render_template("pwa/offline.html", signed_in=current_user.is_authenticated)


@bp.route("/start")
@login_required
def start():
    """Where the installed app opens: a coach on a new drop-in, anyone else on the page
    they land on after signing in (a teacher on their step, a lead on coverage; a teacher
    who coaches only as a triad's peer on their step too)."""
    if landing_section(current_user) == "drop_ins":
        return redirect(url_for("capture.new_visit"))
    return redirect(url_for("auth.home"))
