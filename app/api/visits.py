"""The visit sync API: PUT and GET one visit, the action step's progress, the library."""

from __future__ import annotations

import uuid

from flask import current_app, jsonify
from flask_login import current_user, login_required

from app.api import bp
from app.api.answers import visit_answer
from app.api.bodies import load_json
from app.authz import (
    get_visit_or_404,
    may_read_reflection,
    usable_library_steps,
    visible_school_ids,
)
from app.extensions import db
from app.models import Visit
from app.photos.services import discard
from app.schemas import (
    ActionStepPatchSchema,
    LibraryStepSchema,
    VisitInSchema,
)
from app.visits.services import sync_visit, update_action_step

# Schemas hold no per-request state: built once (building one deep-copies its fields).
VISIT_IN = VisitInSchema()
STEP_CHANGE = ActionStepPatchSchema()
LIBRARY_STEPS = LibraryStepSchema(many=True)


def visit_json(visit: Visit, reads_reflection: bool | None = None) -> dict:
    """The visit as the signed-in user may read it: a reflection only for the teacher and
    their current coach(es) (`reads_reflection`: already decided for this teacher)."""
    body = visit_answer(visit)
    step = visit.action_step
    if reads_reflection is None and step is not None:
        reads_reflection = may_read_reflection(current_user, step)
    if step is not None and not reads_reflection:
        body["action_step"].update(reflection=None, reflected_at=None)
    return body


def _json_limit() -> int:
    return current_app.config["MAX_JSON_BYTES"]


@bp.put("/visits/<uuid:visit_id>")
@login_required
def put_visit(visit_id: uuid.UUID):
    """Create a visit (201) or replay or edit it (200); see docs.py for every answer."""
    capture = load_json(VISIT_IN, _json_limit())
    result = sync_visit(current_user, visit_id, capture)
    # The answer is made before the commit, from what is in hand: after it, every object
    # would be expired and read again, on a second connection.
    answer = visit_json(result.visit, result.reads_reflection)
    db.session.commit()  # on SQLite the write lock is held until here
    discard(list(result.dropped_photo_keys))  # files go only once their rows have gone
    return jsonify(answer), 201 if result.created else 200


@bp.get("/visits/<uuid:visit_id>")
@login_required
def get_visit(visit_id: uuid.UUID):
    return jsonify(visit_json(get_visit_or_404(current_user, visit_id)))


@bp.patch("/visits/<uuid:visit_id>/action-step")
@login_required
def patch_action_step(visit_id: uuid.UUID):
    visit = get_visit_or_404(current_user, visit_id)
    change = load_json(STEP_CHANGE, _json_limit())
    update_action_step(current_user, visit, **change)
    db.session.commit()
    return jsonify(visit_json(visit))


@bp.get("/library-steps")
@login_required
def library_steps():
    steps = usable_library_steps(visible_school_ids(current_user))
    return jsonify({"library_steps": LIBRARY_STEPS.dump(steps)})
