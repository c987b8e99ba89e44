"""Bytes of the capture page's first load, as real Chromium fetches it: a coach, signed in
with an empty browser cache, opens the capture page; the service worker installs and
precaches. Everything the app sent until the network is quiet is counted at the server:
the page, its assets, the worker and its precache (downloads the browser's HTTP cache
saved are not counted: they never reach the server).

"Compressed": the bytes sent when the app compressed the answer, else what gzip (level 6)
would make of it, as a compressing proxy would send it (PNGs as they are).

`python -m bench capture_weight` (about fifteen seconds).
"""

from __future__ import annotations

import gzip
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from bench import support
from bench.table import Row
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

BUDGET_KIB = 60
QUIET_SECONDS = 1.5


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args) -> None:
        pass


class CountingMiddleware:
    """Records (path, status, body bytes as sent, Content-Encoding, Content-Type)."""

    def __init__(self, app):
        self.app = app
        self.sent: list[tuple[str, int, bytes, str, str]] = []
        self.last = time.monotonic()

    def __call__(self, environ, start_response):
        answer = {}

        def recording_start(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = {name.lower(): value for name, value in headers}
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, recording_start))
        query = environ.get("QUERY_STRING")
        path = environ["PATH_INFO"] + (f"?{query}" if query else "")
        headers = answer["headers"]
        self.sent.append(
            (
                path,
                answer["status"],
                body,
                headers.get("content-encoding", ""),
                headers.get("content-type", ""),
            )
        )
        self.last = time.monotonic()
        return [body]


def compressed_size(body: bytes, encoding: str, content_type: str) -> int:
    if encoding or content_type.startswith("image/png"):
        return len(body)
    return min(len(body), len(gzip.compress(body, compresslevel=6)))


def first_load(base_url: str, counter: CountingMiddleware) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True
        )
        login = context.request.get("/login").text()
        token = support.CSRF_META.search(login).group(1)
        context.request.post(
            "/login",
            form={"email": "coach@example.org", "password": support.PASSWORD, "csrf_token": token},
        )
        counter.sent.clear()
        page = context.new_page()
        page.goto("/visits/new")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        deadline = time.monotonic() + 30
        while time.monotonic() - counter.last < QUIET_SECONDS and time.monotonic() < deadline:
            time.sleep(0.1)
        context.close()
        browser.close()


def measure() -> list[Row]:
    from app.demo import seed_demo
    from app.extensions import db

    with tempfile.TemporaryDirectory(prefix="dropin-bench-") as folder:
        app = support.make_app(
            f"sqlite:///{Path(folder) / 'bench.sqlite3'}", PHOTO_DIR=f"{folder}/photos"
        )
        with app.app_context():
            db.create_all()
            seed_demo(support.PASSWORD)
        counter = CountingMiddleware(app.wsgi_app)
        app.wsgi_app = counter
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            first_load(f"http://127.0.0.1:{server.server_port}", counter)
        finally:
            server.shutdown()
    sent = list(counter.sent)
    total = sum(compressed_size(body, enc, kind) for _, _, body, enc, kind in sent)
    for path, status, body, encoding, kind in sent:
        size = compressed_size(body, encoding, kind)
        print(f"  {status} {path[:60]:60} {len(body):7d} B sent {size:7d} B compressed {encoding}")
    print(f"  {len(sent)} responses, {total / 1024:.1f} KiB compressed", flush=True)
    kib = total / 1024
    return [
        Row(
            "capture page first load, precache included",
            f"{kib:.1f} KiB compressed, {len(sent)} responses",
            "budget",
            "–",
            f"≤ {BUDGET_KIB} KiB",
            kib <= BUDGET_KIB,
        )
    ]
