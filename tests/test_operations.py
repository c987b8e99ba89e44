"""What an operator relies on: the liveness and readiness checks, and one JSON log line per
request with a request id (and never an email or a token)."""

from __future__ import annotations

import json
import logging

import pytest

from app.extensions import db
from app.requestlog import JsonFormatter
from tests.conftest import make_test_app
from tests.factories import make_user
from tests.servers import free_port


@pytest.fixture
def request_lines(caplog):
    """The request log lines as the production handler writes them."""
    caplog.set_level(logging.INFO, logger="dropin.request")
    formatter = JsonFormatter()

    def lines() -> list[dict]:
        records = [r for r in caplog.records if r.name == "dropin.request"]
        return [json.loads(formatter.format(record)) for record in records]

    return lines


def test_readiness_says_the_database_and_photo_store_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "database": "ok", "photos": "ok"}


def test_readiness_names_an_unreachable_photo_store(app, client, s3_photos, monkeypatch):
    assert client.get("/readyz").get_json()["photos"] == "ok"
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("PHOTO_STORAGE_TIMEOUT", "1")
    app.extensions["dropin_photo_storage"] = None
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "ok",
        "photos": "unavailable",
    }


def test_without_a_database_the_app_is_alive_but_not_ready(tmp_path, dispose_afterwards):
    nowhere = f"postgresql+psycopg://dropin@127.0.0.1:{free_port()}/dropin?connect_timeout=2"
    app = dispose_afterwards(make_test_app(nowhere, str(tmp_path / "photos")))
    with app.app_context():
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.get_json()["database"] == "unavailable"


def test_every_request_is_one_json_line_with_its_request_id(client, request_lines):
    response = client.get("/login")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    (line,) = request_lines()
    assert line["request_id"] == request_id
    assert line["method"] == "GET" and line["path"] == "/login" and line["status"] == 200
    assert line["duration_ms"] >= 0 and line["user_id"] is None
    assert line["level"] == "info" and line["time"].endswith("+00:00")


def test_the_proxys_request_id_is_kept_and_a_strange_one_replaced(client, request_lines):
    kept = client.get("/healthz", headers={"X-Request-ID": "edge-4f2a.9"})
    assert kept.headers["X-Request-ID"] == "edge-4f2a.9"
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert replaced.headers["X-Request-ID"] != "<script>alert(1)</script>"
    assert [line["request_id"] for line in request_lines()] == [
        "edge-4f2a.9",
        replaced.headers["X-Request-ID"],
    ]


def test_the_log_names_the_user_by_id_never_by_email_or_password(app, client, auth, request_lines):
    person = make_user("coach.secret@example.org")
    db.session.commit()
    auth.login("coach.secret@example.org")
    client.get("/visits")
    lines = request_lines()
    text = "\n".join(json.dumps(line) for line in lines)
    assert "coach.secret" not in text and "password" not in text
    assert lines[-1]["path"] == "/visits" and lines[-1]["user_id"] == person.id


def test_tokens_in_sign_in_links_are_not_logged(client, request_lines):
    client.get("/reset/a-secret-token-value")
    (line,) = request_lines()
    assert "a-secret-token-value" not in json.dumps(line)
    assert line["path"] == "/reset/<token>"
