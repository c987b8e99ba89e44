"""gzip for the first visit's downloads: static files, the service worker and the pages it
keeps offline; never a page that may echo the request, never an image."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from app.demo import seed_demo
from tests.conftest import DEFAULT_PASSWORD

GZIP = {"Accept-Encoding": "gzip, deflate"}


@pytest.fixture
def coach(app, client, auth):
    seed_demo(DEFAULT_PASSWORD)
    auth.login("coach@example.org")
    return client


def test_static_script_comes_gzipped_and_revalidates_to_304(app, client):
    with client.get("/static/js/sync.js", headers=GZIP) as response:
        body = response.get_data()
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    original = Path(app.static_folder, "js/sync.js").read_bytes()
    assert gzip.decompress(body) == original
    assert len(body) < len(original) / 2
    assert int(response.headers["Content-Length"]) == len(body)
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')
    with client.get("/static/js/sync.js", headers={**GZIP, "If-None-Match": etag}) as again:
        assert again.status_code == 304
        assert again.get_data() == b""


def test_without_gzip_in_accept_encoding_the_file_comes_as_it_is(app, client):
    with client.get("/static/js/sync.js", headers={"Accept-Encoding": "identity"}) as response:
        assert "Content-Encoding" not in response.headers
        assert response.get_data() == Path(app.static_folder, "js/sync.js").read_bytes()


def test_images_are_not_compressed_again(client):
    with client.get("/static/icons/icon-192.png", headers=GZIP) as response:
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers


def test_service_worker_and_offline_pages_are_gzipped(coach):
    for path in ("/sw.js", "/visits/new", "/outbox", "/offline"):
        response = coach.get(path, headers=GZIP)
        assert response.status_code == 200, path
        assert response.headers["Content-Encoding"] == "gzip", path
        assert b"<" in gzip.decompress(response.get_data()) or path == "/sw.js"
    plain = coach.get("/visits/new").get_data(as_text=True)
    zipped = gzip.decompress(coach.get("/visits/new", headers=GZIP).get_data()).decode()
    assert zipped.split('name="csrf-token"')[0] == plain.split('name="csrf-token"')[0]


def test_pages_that_may_echo_the_request_are_never_compressed(coach):
    """BREACH: a compressed page echoing the request would leak the CSRF token."""
    for path in ("/visits", "/login", "/exports"):
        response = coach.get(path, headers=GZIP, follow_redirects=True)
        assert "Content-Encoding" not in response.headers, path


def test_every_page_the_worker_keeps_is_compressed():
    from app.compression import COMPRESSED_PAGES
    from app.pwa.routes import OFFLINE_PAGES

    assert set(OFFLINE_PAGES) <= COMPRESSED_PAGES
