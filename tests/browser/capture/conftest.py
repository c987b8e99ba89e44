"""Helpers for the capture scenarios: a coach's phone, photos made with Pillow, filling
the capture form, waiting for the outbox, and what the server stored."""

from __future__ import annotations

import hashlib
import io
import random
import socket
import time

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from app.extensions import db
from app.models import ActionStep, Photo, Visit
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, sign_in

#: Retries in tests start after 100 ms (production: 5 s), so the suite stays fast.
TEST_RETRY_BASE_MS = 100
TEACHERS = {
    "Tom Baker": "teacher@example.org",
    "Amara Okafor": "amara.okafor@example.org",
    "Dan Lewis": "dan.lewis@example.org",
}


#: An answer that has not come after 5 s is given up on (production: 60 s).
TEST_REQUEST_TIMEOUT_MS = 5000


@pytest.fixture(autouse=True)
def fast_retries(live_server):
    config = live_server.app.config
    config.update(
        SYNC_RETRY_BASE_MS=TEST_RETRY_BASE_MS, SYNC_REQUEST_TIMEOUT_MS=TEST_REQUEST_TIMEOUT_MS
    )
    yield
    config.update(SYNC_RETRY_BASE_MS=5000, SYNC_REQUEST_TIMEOUT_MS=60000, SYNC_MAX_DELAY_MS=60000)
    config.pop("RELEASE", None)


class ClosingDroppedConnections:
    """WSGI middleware around the fault injector: when it drops a connection ("refuse",
    "reset", "drop-answer"), really close the socket. Werkzeug otherwise keeps an HTTP/1.1
    connection open waiting for the next request, and the browser waits for an answer
    until the app's own request timeout, which is slow in a test."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        try:
            return self.app(environ, start_response)
        except ConnectionAbortedError:
            connection = environ.get("werkzeug.socket")
            if connection is not None:
                connection.shutdown(socket.SHUT_RDWR)
            raise


@pytest.fixture(autouse=True)
def dropped_connections_close(live_server):
    middleware = ClosingDroppedConnections(live_server.app.wsgi_app)
    live_server.app.wsgi_app = middleware
    yield
    live_server.app.wsgi_app = middleware.app


@pytest.fixture
def coach(demo, phone):
    """The demo coach signed in on a phone, on the capture page, service worker in control."""
    sign_in(phone, "coach@example.org")
    open_capture_page(phone)
    return phone


def open_capture_page(page):
    page.goto("/visits/new")
    wait_for_service_worker(page)


def poll(page, js: str, timeout: float = 15_000, message: str = ""):
    """Evaluate `js` (an expression, may be a promise) until it is truthy.
    (page.wait_for_function evaluates strings with eval, which the app's CSP forbids.)"""
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = page.evaluate(js)
        if value:
            return value
        if time.monotonic() > deadline:
            items = page.evaluate(
                "Dropin.outbox.list().then((items) => items.map((i) => "
                "[i.kind, i.state, i.attempts, i.lastError]))"
            )
            raise AssertionError(f"timed out waiting for {message or js}; outbox: {items}")
        page.wait_for_timeout(100)


def wait_for_service_worker(page):
    """The worker has installed (shell and pages precached) and controls the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    poll(page, "navigator.serviceWorker.controller !== null", message="a controlling worker")


@pytest.fixture
def persistent_phone(playwright, base_url, tmp_path):
    """Open a phone browser that keeps its profile (IndexedDB, caches, cookies) between
    launches: `launch()` again after `close()` is the coach reopening the browser."""
    contexts = []

    def launch(offline: bool = False):
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            base_url=base_url,
            offline=offline,
            **PHONE,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.pages[0] if context.pages else context.new_page()
        return context, page

    yield launch
    for context in contexts:
        try:
            context.close()
        except Exception:  # noqa: S110 (already closed by the test)
            pass


def refuse_the_api(live_server):
    """A wall behind `set_offline` for the persistent-context scenario. Measured here: a
    service worker that Chromium itself starts (at launch, or again later for a pending
    Background Sync) is outside Playwright's offline emulation in a persistent context and
    reached the server. While this rule holds, /api/ refuses every connection."""
    live_server.faults.rule = lambda environ: "refuse"


def photo_bytes(seed: int, size: tuple[int, int] = (640, 480)) -> bytes:
    """A distinct JPEG for each seed: pupils' work, as far as the server can tell."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.rectangle(
            [x, y, x + size[0] // 5, y + size[1] // 8],
            fill=tuple(rng.randrange(256) for _ in range(3)),
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fill_capture(
    page,
    teacher="Tom Baker",
    photos=(),
    notes="Calm start, task on the board.",
    step="Ask the question, pause three seconds, then name who answers",
    class_name="Year 4",
    subject="Maths",
    captions=(),
):
    """Fill the capture form as a coach would, without saving."""
    page.get_by_label("Teacher").select_option(label=f"{teacher} · Riverside Primary")
    page.get_by_label("Class").fill(class_name)
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Notes").fill(notes)
    if photos:
        page.get_by_label("Photos").set_input_files(
            [
                {"name": f"photo{index}.jpg", "mimeType": "image/jpeg", "buffer": data}
                for index, data in enumerate(photos)
            ]
        )
        expect(page.locator("[data-photo-list] li")).to_have_count(len(photos))
    for index, caption in enumerate(captions, start=1):
        page.get_by_label(f"Caption for photo {index}").fill(caption)
    page.get_by_label("Action step").fill(step)


def capture(page, teacher="Tom Baker", photos=(), **fields):
    """Fill the capture form and save; waits for "Saved on this phone"."""
    fill_capture(page, teacher, photos, **fields)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved on this phone")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_be_enabled()
    expect(page.get_by_label("Teacher")).to_have_value("")


def outbox_items(page) -> list[dict]:
    return page.evaluate("""async () => (await Dropin.outbox.list()).map((item) => ({
        id: item.id, kind: item.kind, state: item.state, attempts: item.attempts,
        lastError: item.lastError, userId: item.userId, photos: item.photos.length}))""")


def wait_for_empty_outbox(page, timeout=30_000):
    poll(
        page, "Dropin.outbox.list().then((items) => items.length === 0)", timeout, "an empty outbox"
    )


def wait_for_outbox(page, predicate_js: str, timeout=15_000):
    """Wait until `predicate_js` (a JS expression over `items`) holds for the outbox."""
    poll(page, f"Dropin.outbox.list().then((items) => {predicate_js})", timeout, predicate_js)


def stored_photo_hashes(page) -> list[str]:
    """SHA-256 of every photo as kept in the outbox on the device."""
    return page.evaluate("""async () => {
        const hashes = [];
        for (const item of await Dropin.outbox.list()) {
            for (const photo of item.photos) {
                const record = await Dropin.outbox.photo(photo.id);
                const digest = await crypto.subtle.digest("SHA-256", record.bytes);
                const bytes = [...new Uint8Array(digest)];
                hashes.push(bytes.map((b) => b.toString(16).padStart(2, "0")).join(""));
            }
        }
        return hashes;
    }""")


class Stored:
    """What the server has, read fresh from the database."""

    def __init__(self):
        db.session.rollback()
        db.session.expire_all()
        self.visits = db.session.scalars(sa.select(Visit)).all()
        self.photos = db.session.scalars(sa.select(Photo)).all()
        self.steps = db.session.scalars(sa.select(ActionStep)).all()

    def new_visits(self, since_ids: set) -> list[Visit]:
        return [visit for visit in self.visits if visit.id not in since_ids]

    @property
    def photo_hashes(self) -> list[str]:
        return sorted(photo.sha256 for photo in self.photos)


def demo_visit_ids() -> set:
    db.session.rollback()
    return set(db.session.scalars(sa.select(Visit.id)).all())


def assert_arrived(before: set, visits: int, photos: int, hashes=None) -> list[Visit]:
    """Exactly `visits` new visits (each with one action step) and `photos` photos."""
    stored = Stored()
    new = stored.new_visits(before)
    assert len(new) == visits
    assert len(stored.photos) == photos
    assert all(visit.action_step is not None for visit in new)
    # Each visit has one step, each step at least one visit, each teacher one live step.
    assert all(visit.action_step_id for visit in stored.visits)
    assert all(step.visits for step in stored.steps)
    live = [step.teacher_id for step in stored.steps if step.is_live]
    assert len(live) == len(set(live))
    assert all(visit.is_complete for visit in new)
    if hashes is not None:
        assert stored.photo_hashes == sorted(hashes)
    return new


class RedirectingApi:
    """WSGI middleware: while `active`, every /api/ request answers a 302 to the sign-in
    page, as a proxy or an older app would for an expired session."""

    def __init__(self, app):
        self.app = app
        self.active = False

    def __call__(self, environ, start_response):
        if self.active and environ.get("PATH_INFO", "").startswith("/api/"):
            start_response("302 FOUND", [("Location", "/login"), ("Content-Length", "0")])
            return [b""]
        return self.app(environ, start_response)


@pytest.fixture
def api_redirects(live_server):
    middleware = RedirectingApi(live_server.app.wsgi_app)
    live_server.app.wsgi_app = middleware
    yield middleware
    live_server.app.wsgi_app = middleware.app
