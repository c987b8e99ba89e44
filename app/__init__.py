"""Dropin: instructional-coaching drop-ins, offline-first."""

from __future__ import annotations

import os
import select
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import IntegerConverter

from app.config import config_for_environment, development_secret_key
from app.extensions import csrf, db, login_manager, migrate
from app.localtime import sqlite_local_date


def create_app(config=None) -> Flask:
    """Build the app. `config` is a config class or a dict of overrides."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_for_environment())
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    _refuse_to_run_without_secret(app)
    _refuse_a_bad_photo_store(app)
    _make_sqlite_folder(app)

    register_request_log(app)
    register_extensions(app)
    app.url_map.converters["int"] = DatabaseIdConverter
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_context(app)
    register_security_headers(app)
    register_compression(app)
    register_cli(app)
    register_health_checks(app)
    register_serving(app)
    return app


def _refuse_to_run_without_secret(app: Flask) -> None:
    if not app.config.get("SECRET_KEY") and app.config["ENV_NAME"] == "development":
        app.config["SECRET_KEY"] = development_secret_key()
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set it in the environment (a long random string) "
            "or run with DROPIN_ENV=development for local work."
        )


def _refuse_a_bad_photo_store(app: Flask) -> None:
    """A mistyped PHOTO_STORAGE must stop the start, not put pupils' photos somewhere else."""
    location = app.config.get("PHOTO_STORAGE")
    if location:
        from app.photos.s3 import S3PhotoStorage

        S3PhotoStorage.check_url(location)


def _make_sqlite_folder(app: Flask) -> None:
    """The embedded SQLite database's folder (instance/ for `make run`). Nothing else is
    created at start: in production the code is read-only and only the photo store is
    writable."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        os.makedirs(os.path.dirname(os.path.abspath(url.database)), exist_ok=True)


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` in a URL only matches ids a database integer column can hold, so an id
    too large for PostgreSQL answers 404 instead of failing in the query."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"

    from app import (
        expected_photos,  # noqa: F401
        models,  # noqa: F401  (register the models with the metadata)
        selfaudit_models,  # noqa: F401
    )
    from app.auth.services import unauthorized
    from app.auth.sessions import load_user
    from app.cycles import models as cycle_models  # noqa: F401
    from app.notify import models as notify_models  # noqa: F401
    from app.privacy import models as privacy_models  # noqa: F401
    from app.sso import models as sso_models  # noqa: F401
    from app.steps import models as step_models  # noqa: F401
    from app.takeout import models as takeout_models  # noqa: F401

    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)
        elif db.engine.dialect.name == "postgresql":
            sa.event.listen(db.engine, "checkout", _refuse_if_server_hung_up)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    dbapi_connection.create_function("dropin_local_date", 2, sqlite_local_date, deterministic=True)


def _refuse_if_server_hung_up(dbapi_connection, _record, _proxy) -> None:
    """A pooled connection the server has closed (a restart, a failover, an idle timeout)
    is discarded at checkout, and the pool opens another. The server says so before it
    closes (a FATAL message): an idle connection with something to read is one it has
    hung up. Checked without a round trip, where pool_pre_ping's SELECT 1 costs one on
    every request."""
    waiting = select.poll()
    waiting.register(dbapi_connection.fileno(), select.POLLIN)
    if dbapi_connection.closed or waiting.poll(0):
        raise sa.exc.DisconnectionError("the database server closed this connection")


def register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.capture import bp as capture_bp
    from app.coaching import bp as coaching_bp
    from app.exports import bp as exports_bp
    from app.leads import bp as leads_bp
    from app.notify import bp as notify_bp
    from app.photos import bp as photos_bp
    from app.privacy import bp as privacy_bp
    from app.pwa import bp as pwa_bp
    from app.selfaudit import bp as selfaudit_bp
    from app.takeout import bp as takeout_bp
    from app.teacher import bp as teacher_bp
    from app.triads import bp as triads_bp
    from app.visits import bp as visits_bp

    for blueprint in (
        auth_bp,
        capture_bp,
        visits_bp,
        coaching_bp,
        teacher_bp,
        leads_bp,
        exports_bp,
        admin_bp,
        api_bp,
        photos_bp,
        pwa_bp,
        notify_bp,
        triads_bp,
        takeout_bp,
        selfaudit_bp,
        privacy_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from app.errors import register

    register(app)


def register_template_context(app: Flask) -> None:
    from app import limits, localtime

    localtime.register(app)

    @app.context_processor
    def page_limits() -> dict:
        return {"limits": limits.for_pages(app.config["MAX_PHOTO_BYTES"])}

    @app.context_processor
    def page_made_at() -> dict:
        # A page read offline is the copy the device kept: it says when it was made.
        return {"page_made_at": datetime.now(UTC).isoformat(timespec="seconds")}


def register_security_headers(app: Flask) -> None:
    from app.security import register

    register(app)


def register_compression(app: Flask) -> None:
    from app.compression import register

    register(app)


def register_cli(app: Flask) -> None:
    from app.demo import seed_demo_command

    app.cli.add_command(seed_demo_command)


def register_serving(app: Flask) -> None:
    from app.serving import register

    register(app)


def register_request_log(app: Flask) -> None:
    from app.requestlog import register

    register(app)


def register_health_checks(app: Flask) -> None:
    from app.health import register

    register(app)
