"""Durability of capture on a phone: N drop-ins x 3 photos through a network that fails
30 % of sync requests, with offline spells, reloads and a browser restart. Reports what
reached the server (visits, photos), duplicates, mismatches (a visit whose photos are not
exactly the ones taken for it) and how long the outbox took to drain after the last save.

    python -m bench.durability [--visits 200] [--failure-rate 0.3] [--seed 12]
    python -m bench.durability --outage 240   # ten drop-ins through a 4-minute outage

The outage run: the Wi-Fi stays up while the server is out of reach (no `online` event
will come), ten drop-ins are saved, and the time from the server being back to the last
one arriving is measured.

Production sync timings (first retry 5 s, checks at least every 60 s). Debian's Chromium
(/usr/lib/chromium/chromium) and a server on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import logging
import random
import socket
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from PIL import Image, ImageDraw
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from app import create_app
from app.config import TestConfig
from app.demo import seed_demo
from app.extensions import db
from app.models import Photo, Visit
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

PASSWORD = "bench-password"
TEACHERS = ["Tom Baker", "Amara Okafor", "Dan Lewis"]
PORTAL = b"<!doctype html><title>Wi-Fi</title><p>Accept the terms to continue"
#: How a failing request fails, in turn: what schools' networks and proxies do.
FAULTS = ("refuse", "drop-answer", "500", "502-html", "portal")


class FlakyNetwork:
    """WSGI middleware: each sync request (session check, API) fails with `rate`."""

    def __init__(self, app, rate: float, seed: int):
        self.app = app
        self.rate = rate
        self.outage = False  # every sync request refused
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.counts: Counter = Counter()

    def _fault(self, path: str) -> str | None:
        if not (path.startswith("/api/") or path == "/capture/session"):
            return None
        with self.lock:
            self.counts["sync requests"] += 1
            if self.outage:
                return "refuse"
            if self.random.random() >= self.rate:
                return None
            fault = self.random.choice(FAULTS)
            self.counts[fault] += 1
            return fault

    def __call__(self, environ, start_response):
        fault = self._fault(environ.get("PATH_INFO", ""))
        if fault is None:
            return self.app(environ, start_response)
        if fault == "drop-answer":  # the server did the work; the answer is lost
            b"".join(self.app(environ, lambda *a, **k: None))
        if fault in ("refuse", "drop-answer"):
            connection = environ.get("werkzeug.socket")
            if connection is not None:
                connection.shutdown(socket.SHUT_RDWR)
            raise ConnectionAbortedError(fault)
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))  # keep-alive stays sane
        status, body, kind = {
            "500": ("500 INTERNAL SERVER ERROR", b'{"error": "oops"}', "application/json"),
            "502-html": ("502 BAD GATEWAY", b"<h1>Bad gateway</h1>", "text/html"),
            "portal": ("200 OK", PORTAL, "text/html"),
        }[fault]
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]


def photo(seed: int) -> bytes:
    """A distinct small JPEG (kept byte for byte by the phone: under 1600 px)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (480, 360), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(5):
        x, y = rng.randrange(480), rng.randrange(360)
        draw.rectangle([x, y, x + 90, y + 40], fill=tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _server(tmp: Path, rate: float, seed: int):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'bench.sqlite3'}",
        PHOTO_DIR=str(tmp / "photos"),
        SYNC_RETRY_BASE_MS=5000,
        SYNC_REQUEST_TIMEOUT_MS=60000,
        SYNC_MAX_DELAY_MS=60000,
    )
    app = create_app(config)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with app.app_context():
        db.create_all()
        seed_demo(PASSWORD)
    network = FlakyNetwork(app.wsgi_app, rate, seed)
    app.wsgi_app = network
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, network, server, f"http://127.0.0.1:{server.server_port}"


class Phone:
    """The coach's phone: a Chromium profile that survives a browser restart."""

    def __init__(self, playwright, base_url: str, profile: Path):
        self.playwright, self.base_url, self.profile = playwright, base_url, profile
        self.context = self.page = None

    def launch(self):
        self.context = self.playwright.chromium.launch_persistent_context(
            str(self.profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            base_url=self.base_url,
            **PHONE,
        )
        self.context.set_default_timeout(30_000)
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()

    def sign_in(self):
        page = self.page
        page.goto("/login")
        page.get_by_label("Email").fill("coach@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Keep me signed in on this device").check()
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    def open_capture(self):
        self.page.goto("/visits/new")
        self.page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    def capture(self, number: int, photos: list[bytes]):
        page = self.page
        teacher = TEACHERS[number % len(TEACHERS)]
        page.get_by_label("Teacher").select_option(label=f"{teacher} · Riverside Primary")
        page.get_by_label("Notes").fill(f"Durability drop-in {number}")
        files = [
            {"name": f"p{number}-{i}.jpg", "mimeType": "image/jpeg", "buffer": data}
            for i, data in enumerate(photos)
        ]
        page.get_by_label("Photos").set_input_files(files)
        page.get_by_label("Action step").fill(f"Step {number}: pause three seconds")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text(f"Saved on this phone: drop-in with {teacher}")).to_be_visible()
        expect(page.get_by_role("button", name="Save")).to_be_enabled()
        expect(page.get_by_label("Teacher")).to_have_value("")

    def outbox_size(self) -> int:
        return self.page.evaluate("Dropin.outbox.list().then((items) => items.length)")


def _stored(app) -> tuple[list[dict], int]:
    """Each stored drop-in of the run (notes, photo hashes, complete?) and all photo rows."""
    with app.app_context():
        db.session.remove()
        visits = db.session.scalars(sa.select(Visit).where(Visit.notes.like("Durability%"))).all()
        stored = [
            {
                "notes": visit.notes,
                "photos": sorted(p.sha256 for p in visit.photos),
                "complete": visit.is_complete,
            }
            for visit in visits
        ]
        return stored, db.session.scalar(sa.select(sa.func.count()).select_from(Photo))


def run(visits: int, failure_rate: float, seed: int) -> dict:
    rng = random.Random(seed)
    expected = {
        f"Durability drop-in {n}": sorted(
            hashlib.sha256(data).hexdigest()
            for data in (photo(seed * 10_000 + n * 3 + i) for i in range(3))
        )
        for n in range(visits)
    }
    events: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        app, network, server, url = _server(Path(tmp), failure_rate, seed)
        phone = Phone(playwright, url, Path(tmp) / "profile")
        phone.launch()
        phone.sign_in()
        phone.open_capture()
        restart_at = visits // 2
        offline_until = -1
        started = time.monotonic()
        for n in range(visits):
            if n == restart_at:  # the browser is closed and opened again
                phone.context.close()
                phone.launch()
                phone.open_capture()
                events["browser restarts"] += 1
            elif n > 0 and rng.random() < 0.08:
                phone.page.reload()
                events["reloads"] += 1
            if n > offline_until and rng.random() < 0.06:  # a spell without Wi-Fi
                offline_until = n + rng.randint(2, 6)
                phone.context.set_offline(True)
                events["offline spells"] += 1
            photos = [photo(seed * 10_000 + n * 3 + i) for i in range(3)]
            phone.capture(n, photos)
            if n == offline_until:
                phone.context.set_offline(False)
        phone.context.set_offline(False)
        capture_seconds = time.monotonic() - started
        last_save = time.monotonic()
        deadline = last_save + 60 * 60
        while phone.outbox_size() and time.monotonic() < deadline:
            time.sleep(1)
        drain_seconds = time.monotonic() - last_save
        left = phone.outbox_size()
        phone.context.close()
        stored, photo_rows = _stored(app)
        server.shutdown()
    per_note = Counter(entry["notes"] for entry in stored)
    mismatches = [entry for entry in stored if entry["photos"] != expected.get(entry["notes"])]
    photos = Counter(h for entry in stored for h in entry["photos"])
    return {
        "drop-ins saved on the phone": visits,
        "photos saved on the phone": visits * 3,
        "visits on the server": len(stored),
        "visits lost": len(set(expected) - set(per_note)),
        "duplicate visits": sum(count - 1 for count in per_note.values()),
        "visits incomplete": sum(1 for entry in stored if not entry["complete"]),
        "photos on the server": photo_rows,
        "duplicate photos": sum(count - 1 for count in photos.values() if count > 1),
        "visits with the wrong photos": len(mismatches),
        "left in the outbox": left,
        "capture time (s)": round(capture_seconds),
        "drain time after the last save (s)": round(drain_seconds),
        **dict(events),
        **{f"network: {k}": v for k, v in network.counts.items()},
    }


def run_outage(seconds: float, seed: int) -> dict:
    """Ten drop-ins saved during an outage of `seconds`; then the server is back."""
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        app, network, server, url = _server(Path(tmp), 0.0, seed)
        phone = Phone(playwright, url, Path(tmp) / "profile")
        phone.launch()
        phone.sign_in()
        phone.open_capture()
        network.outage = True
        began = time.monotonic()
        for n in range(10):
            phone.capture(n, [photo(seed * 10_000 + n)])
        time.sleep(max(0.0, seconds - (time.monotonic() - began)))
        network.outage = False
        back = time.monotonic()
        while phone.outbox_size() and time.monotonic() < back + 15 * 60:
            time.sleep(0.5)
        drained = time.monotonic() - back
        left = phone.outbox_size()
        phone.context.close()
        stored, photo_rows = _stored(app)
        server.shutdown()
    return {
        "outage (s)": round(seconds),
        "drop-ins saved during it": 10,
        "visits on the server": len(stored),
        "photos on the server": photo_rows,
        "left in the outbox": left,
        "all arrived after the server was back (s)": round(drained),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=20)
    parser.add_argument("--failure-rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--outage", type=float, default=0, help="seconds; runs the outage case")
    options = parser.parse_args(argv if argv is not None else [])
    if options.outage:
        report = run_outage(options.outage, options.seed)
    else:
        report = run(options.visits, options.failure_rate, options.seed)
    for name, value in report.items():
        print(f"{name:40} {value}")
    return report


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
