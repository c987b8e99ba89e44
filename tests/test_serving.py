"""The server in front of the app (issue 11): stalled clients are dropped and do not stop
anyone else; access logs never hold sign-in tokens; PROXY_HOPS trusts the proxy.

gunicorn runs for real on 127.0.0.1 with the project's gunicorn.conf.py."""

from __future__ import annotations

import http.client
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.live_server import live_server

ROOT = Path(__file__).resolve().parent.parent
STALLED = 50
BODY_TIMEOUT = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, timeout: float = 20) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn with the project's settings, one worker; yields (port, access log path)."""
    folder = tmp_path_factory.mktemp("gunicorn")
    port, log = _free_port(), folder / "access.log"
    env = {
        **os.environ,
        "DROPIN_ENV": "production",
        "SECRET_KEY": "test-only-gunicorn",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "PHOTO_DIR": str(folder / "photos"),
        "REQUEST_BODY_TIMEOUT": str(BODY_TIMEOUT),
        "WEB_CONCURRENCY": "1",
        "BIND": f"127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
        "GUNICORN_ACCESS_LOG": "-",
    }
    gunicorn_bin = Path(sys.executable).with_name("gunicorn")
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [str(gunicorn_bin), "wsgi:app"], cwd=ROOT, env=env, stdout=output, stderr=output
        )
        try:
            for _ in range(100):
                try:
                    if _get(port, "/healthz", timeout=2) == 200:
                        break
                except OSError:
                    if server.poll() is not None:
                        break
                    time.sleep(0.2)
            else:
                pytest.fail("gunicorn did not start: " + log.read_text())
            yield port, log
        finally:
            server.terminate()
            server.wait(timeout=30)


def _stall(port: int) -> socket.socket:
    """A client that sends its headers and the start of its body, then nothing."""
    stalled = socket.create_connection(("127.0.0.1", port))
    stalled.sendall(
        b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
        b"email=someone"
    )
    return stalled


def test_stalled_clients_do_not_block_others_and_are_dropped(gunicorn):
    port, _ = gunicorn
    stalled = [_stall(port) for _ in range(STALLED)]
    try:
        # While all fifty hang, someone else is served.
        assert _get(port, "/healthz") == 200
        for client in stalled:
            client.settimeout(30)
            answer = client.recv(64)
            assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer
    finally:
        for client in stalled:
            client.close()


def test_the_configured_deadline_drops_a_stall_within_thirty_seconds():
    from app.config import Config

    assert 0 < Config.REQUEST_BODY_TIMEOUT <= 30


def test_gunicorn_access_log_never_holds_a_link_token(gunicorn):
    port, log = gunicorn
    _get(port, "/reset/SECRET-TOKEN-abc.def")
    _get(port, "/invite/OTHER-SECRET.xyz?x=1")
    for _ in range(100):  # each worker writes its log line just after answering, any order
        text = log.read_text()
        if "GET /reset/" in text and "GET /invite/" in text:
            break
        time.sleep(0.1)
    assert "/reset/[token]" in text and "/invite/[token]" in text
    assert "SECRET-TOKEN" not in text and "OTHER-SECRET" not in text


def test_development_server_access_log_never_holds_a_link_token(app, caplog):
    with caplog.at_level(logging.INFO, logger="werkzeug"), live_server(app) as port:
        _get(port, "/reset/SECRET-TOKEN-abc.def")
    assert "/reset/[token]" in caplog.text
    assert "SECRET-TOKEN" not in caplog.text


def test_proxy_hops_make_the_forwarded_address_and_scheme_the_real_ones(app, dispose_afterwards):
    from tests.conftest import make_test_app

    behind_proxy = dispose_afterwards(
        make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], app.config["PHOTO_DIR"], PROXY_HOPS=1)
    )
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}

    @behind_proxy.get("/_test/whoami")
    def whoami():
        from flask import request, url_for

        return {"addr": request.remote_addr, "url": url_for("auth.login", _external=True)}

    answer = behind_proxy.test_client().get("/_test/whoami", headers=headers).get_json()
    assert answer == {"addr": "203.0.113.9", "url": "https://localhost/login"}
    response = behind_proxy.test_client().get("/login", headers=headers)
    assert "Strict-Transport-Security" in response.headers


def test_without_proxy_hops_forwarded_headers_are_ignored(app, client):
    answer = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in answer.headers
