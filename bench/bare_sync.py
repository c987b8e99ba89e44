"""The sync PUT's baseline: bare Flask + Flask-SQLAlchemy, no sign-in, no checks, one
INSERT … ON CONFLICT DO NOTHING into the same table and a commit, `{"id": …}` back.
Served by gunicorn like the app (`bench.bare_sync:app`); DATABASE_URL, BENCH_SCHOOL_ID and
BENCH_COACH_ID from the environment."""

from __future__ import annotations

import os
import uuid
from datetime import datetime

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.dialects.postgresql import insert

from app.models import Visit

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db = SQLAlchemy(app)
SCHOOL_ID = int(os.environ["BENCH_SCHOOL_ID"])
COACH_ID = int(os.environ["BENCH_COACH_ID"])


@app.get("/healthz")
def healthz():
    return "ok"


@app.put("/api/v1/visits/<uuid:visit_id>")
def put_visit(visit_id: uuid.UUID):
    capture = request.get_json()
    statement = (
        insert(Visit.__table__)
        .values(
            id=visit_id,
            school_id=SCHOOL_ID,
            coach_id=COACH_ID,
            teacher_id=capture["teacher_id"],
            started_at=datetime.fromisoformat(capture["started_at"]),
            duration_minutes=capture["duration_minutes"],
            class_name=capture["class_name"],
            subject=capture["subject"],
            notes=capture["notes"],
            captured_offline=False,
            expected_photo_ids=[],
        )
        .on_conflict_do_nothing(index_elements=["id"])
    )
    db.session.execute(statement)
    db.session.commit()
    return jsonify({"id": str(visit_id)}), 201
