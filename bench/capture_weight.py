"""Bytes of the capture page's first load over the network: the page and every asset it
references, then everything the service worker precaches on that first visit. Raw and
gzip-compressed (what a gzip-enabled proxy sends). Budget: 100 KB compressed.

    python -m bench.capture_weight
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
from pathlib import Path

from app import create_app
from app.config import TestConfig
from app.demo import seed_demo
from app.extensions import db

BUDGET_BYTES = 100 * 1024
PASSWORD = "bench-password"
ASSET = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(/[^"]+)"')


def _app(tmp: Path):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'bench.sqlite3'}", PHOTO_DIR=str(tmp / "photos")
    )
    app = create_app(config)
    with app.app_context():
        db.create_all()
        seed_demo(PASSWORD)
    return app


def _signed_in_client(app):
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    client.post(
        "/login", data={"email": "coach@example.org", "password": PASSWORD, "csrf_token": token}
    )
    return client


def _fetch(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    data = response.get_data()
    response.close()
    return data


def measure() -> dict:
    """{"page": {url: bytes}, "precache": {url: bytes}} for a first visit."""
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp))
        client = _signed_in_client(app)
        page_html = _fetch(client, "/visits/new")
        page = {"/visits/new": page_html}
        for url in ASSET.findall(page_html.decode()):
            page[url] = _fetch(client, url)
        worker = _fetch(client, "/sw.js")
        precache = {"/sw.js": worker}
        script = worker.decode()
        for name in ("SHELL", "PAGES"):
            urls = json.loads(re.search(rf"const {name} = (\[.*?\]);", script).group(1))
            for url in urls:
                if url not in page:
                    precache[url] = _fetch(client, url)
        for url in re.findall(r"importScripts\((.*?)\);", script)[0].split(", "):
            url = json.loads(url)
            if url not in page and url not in precache:
                precache[url] = _fetch(client, url)
        return {"page": page, "precache": precache}


def _compressed(data: bytes) -> int:
    """gzip size; PNGs are already compressed and go as they are."""
    return min(len(data), len(gzip.compress(data, compresslevel=6)))


def _sizes(files: dict[str, bytes]) -> tuple[int, int]:
    return sum(len(data) for data in files.values()), sum(map(_compressed, files.values()))


def main() -> dict:
    files = measure()
    page_raw, page_gz = _sizes(files["page"])
    all_raw, all_gz = _sizes({**files["page"], **files["precache"]})
    print(
        f"capture page and its assets ({len(files['page'])} files): "
        f"{page_raw / 1024:.1f} KB raw, {page_gz / 1024:.1f} KB gzip"
    )
    print(
        f"with the service worker's first-visit precache "
        f"({len(files['page']) + len(files['precache'])} files): "
        f"{all_raw / 1024:.1f} KB raw, {all_gz / 1024:.1f} KB gzip"
    )
    for url, data in sorted(files["page"].items()) + sorted(files["precache"].items()):
        print(f"  {url:45} {len(data):7d} B raw {_compressed(data):7d} B compressed")
    verdict = "within" if all_gz <= BUDGET_BYTES else "OVER"
    print(f"budget 100 KB compressed, all included: {verdict}")
    return {"page_raw": page_raw, "page_gzip": page_gz, "all_raw": all_raw, "all_gzip": all_gz}


if __name__ == "__main__":
    main()
