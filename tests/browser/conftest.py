"""Browser tests: Playwright drives Debian's Chromium against a real threaded server.

- `live_server` serves a test app on 127.0.0.1 (a secure context: service workers work).
- `live_server.faults` lets a test make the server misbehave while the browser believes it
  is online (refuse, 500, reset, 200 HTML like a captive portal, save-then-drop).
- `phone`, `tablet` and `laptop` are pages at each audience's device size.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from werkzeug.serving import make_server

from app.demo import seed_demo
from app.extensions import db
from tests.conftest import DEFAULT_PASSWORD, dispose_app_engine, empty_all_tables, make_test_app

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
TABLET = {
    "viewport": {"width": 820, "height": 1180},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


Fault = Callable[[dict], object]


@dataclass
class FaultInjector:
    """WSGI middleware: each request under `prefix` may be answered by a queued fault.

    A fault is a function of the WSGI environ that returns one of:
    None (pass through), "refuse" (close the connection), "reset", ("status", body, type),
    or "drop-answer" (let the app handle it, then close without answering).
    """

    app: Callable
    prefix: str = "/api/"
    faults: list = field(default_factory=list)
    #: Called for every request under prefix; returns a fault or None.
    rule: Fault | None = None
    seen: list = field(default_factory=list)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        fault = None
        if path.startswith(self.prefix):
            self.seen.append((environ["REQUEST_METHOD"], path))
            if self.faults:
                fault = self.faults.pop(0)
            elif self.rule is not None:
                fault = self.rule(environ)
        if fault is None:
            return self.app(environ, start_response)
        if fault in ("refuse", "reset"):
            raise ConnectionAbortedError(fault)
        if fault == "drop-answer":
            body = b"".join(self.app(environ, lambda *a, **k: None))
            del body
            raise ConnectionAbortedError("answer dropped")
        status, body, content_type = fault
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]


class LiveServer:
    def __init__(self, app, tmp_dir):
        self.app = app
        self.faults = FaultInjector(app.wsgi_app)
        app.wsgi_app = self.faults
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self):
        self.faults.faults.clear()
        self.faults.rule = None
        self.faults.seen.clear()

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    app = make_test_app(f"sqlite:///{tmp / 'live.sqlite3'}", str(tmp / "photos"))
    with app.app_context():
        db.create_all()
    server = LiveServer(app, tmp)
    yield server
    server.stop()
    dispose_app_engine(app)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


@pytest.fixture
def live_app(live_server):
    """The live server's app, with a context for asserting what the server stored."""
    live_server.reset()
    with live_server.app.app_context():
        yield live_server.app
        empty_all_tables()
        db.session.remove()


@pytest.fixture
def demo(live_app):
    seed_demo(DEFAULT_PASSWORD)
    return live_app


def _page(browser, base_url, device):
    context = browser.new_context(base_url=base_url, **device)
    context.set_default_timeout(10_000)
    page = context.new_page()
    return context, page


@pytest.fixture
def phone(browser, base_url):
    context, page = _page(browser, base_url, PHONE)
    yield page
    context.close()


@pytest.fixture
def tablet(browser, base_url):
    context, page = _page(browser, base_url, TABLET)
    yield page
    context.close()


@pytest.fixture
def laptop(browser, base_url):
    context, page = _page(browser, base_url, LAPTOP)
    yield page
    context.close()


def sign_in(page, email: str, password: str = DEFAULT_PASSWORD, remember: bool = False):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    if remember:
        page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def assert_accessible(page, name: str | None = None):
    """axe-core finds no violations on the page as it stands; optionally keep a screenshot."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    if SCREENSHOT_DIR and name:
        os.makedirs(SCREENSHOT_DIR, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOT_DIR, f"{name}.png"), full_page=True)
    assert results.violations_count == 0, results.generate_report()
