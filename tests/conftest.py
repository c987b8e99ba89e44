"""Fixtures: an app per database backend (SQLite always, PostgreSQL when TEST_DATABASE_URL
names a server), a client, a CLI runner and sign-in helpers.

With TEST_DATABASE_URL set, a throwaway database is created on that server for this run
and dropped at the end, so runs never see each other's data.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import TestConfig
from app.extensions import db
from tests.factories import DEFAULT_PASSWORD

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


def _server_url(url: str) -> sa.URL:
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_throwaway_postgres_database() -> str:
    """Create an empty database on TEST_DATABASE_URL's server; return its URL."""
    server = _server_url(TEST_DATABASE_URL)
    name = f"dropin_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    target = sa.make_url(url)
    engine = sa.create_engine(_server_url(TEST_DATABASE_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    engine.dispose()


def database_url_for(backend: str, tmp_path_factory) -> str:
    if backend == "postgresql":
        return create_throwaway_postgres_database()
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def make_test_app(database_url: str, photo_dir: str, **overrides):
    return create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PHOTO_DIR": photo_dir,
            "TAKEOUT_DIR": tempfile.mkdtemp(prefix="dropin-takeout-"),
            **overrides,
        }
    )


def dispose_app_engine(app) -> None:
    """Close the pooled connections of an app a test built: left open, one is collected
    during a later test and psycopg warns there (an error in this suite)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def empty_all_tables() -> None:
    db.session.rollback()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def _session_app(backend, tmp_path_factory):
    url = database_url_for(backend, tmp_path_factory)
    app = make_test_app(url, str(tmp_path_factory.mktemp("photos")))
    with app.app_context():
        db.create_all()
    yield app
    dispose_app_engine(app)
    if backend == "postgresql":
        drop_postgres_database(url)


@pytest.fixture
def app(_session_app):
    """The app with an app context pushed for the test; every table empty afterwards."""
    with _session_app.app_context():
        yield _session_app
        empty_all_tables()
        db.session.remove()


@pytest.fixture
def dispose_afterwards():
    """Hand it each app the test builds itself: its engine is disposed after the test,
    passed or failed."""
    built = []

    def keep(own_app):
        built.append(own_app)
        return own_app

    yield keep
    for own_app in built:
        dispose_app_engine(own_app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_META.search(html)
    assert match, "page has no csrf-token meta tag"
    return match.group(1)


class Auth:
    """Sign in and out through the real form, CSRF token included."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self) -> str:
        return csrf_token_from(self.client.get("/login").get_data(as_text=True))

    def login(self, email: str, password: str = DEFAULT_PASSWORD, remember: bool = False):
        form = {"email": email, "password": password, "csrf_token": self.csrf_token()}
        if remember:
            form["remember"] = "y"
        return self.client.post("/login", data=form)

    def logout(self):
        page = self.client.get("/visits")
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post("/logout", data={"csrf_token": token})

    def page_csrf_token(self, path: str = "/") -> str:
        """A CSRF token of the signed-in session, for JSON writes (X-CSRFToken)."""
        response = self.client.get(path, follow_redirects=True)
        return csrf_token_from(response.get_data(as_text=True))


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture(scope="session")
def s3_server():
    """moto's standalone S3 server on a free 127.0.0.1 port, for the whole run."""
    from tests.servers import S3Server

    server = S3Server()
    yield server
    server.stop()


@pytest.fixture
def s3_photos(app, s3_server, monkeypatch):
    """The app keeps its photos in a fresh bucket of the S3 server (PHOTO_STORAGE)."""
    for name, value in s3_server.env().items():
        monkeypatch.setenv(name, value)
    bucket = s3_server.create_bucket(f"photos-{uuid.uuid4().hex[:12]}")
    monkeypatch.setitem(app.config, "PHOTO_STORAGE", f"s3://{bucket}/dropin")
    monkeypatch.setitem(app.extensions, "dropin_photo_storage", None)  # made afresh
    return bucket
