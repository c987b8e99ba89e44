"""`/healthz`: the process is alive (the container's and the load balancer's liveness check;
it touches nothing, so a database outage does not get every app server restarted).
`/readyz`: the database and the photo store answer (send traffic here or not)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, current_app

from app.extensions import db
from app.photos.storage import StorageUnavailable, photo_storage


def _database() -> str:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return "ok"
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.warning("Readiness: the database does not answer: %s", error)
        return "unavailable"


def _photo_store() -> str:
    try:
        photo_storage().check()
        return "ok"
    except StorageUnavailable as error:
        current_app.logger.warning("Readiness: the photo store does not answer: %s", error)
        return "unavailable"


def register(app: Flask) -> None:
    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz():
        checks = {"database": _database(), "photos": _photo_store()}
        ready = all(state == "ok" for state in checks.values())
        return {"status": "ready" if ready else "unavailable", **checks}, 200 if ready else 503
