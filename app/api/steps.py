"""The conversation on a step: the teacher and their coach each add comments, from the
tablet or the phone, online or through the outbox (the id is made on the device)."""

from __future__ import annotations

import uuid

from flask import current_app, jsonify
from flask_login import current_user, login_required

from app.api import bp
from app.api.bodies import load_json
from app.authz import visible_step_or_404
from app.extensions import db
from app.schemas import StepCommentInSchema, StepCommentOutSchema
from app.steps.services import add_comment

COMMENT_IN = StepCommentInSchema()
COMMENT_OUT = StepCommentOutSchema()


@bp.put("/steps/<int:action_step_id>/comments/<uuid:comment_id>")
@login_required
def put_comment(action_step_id: int, comment_id: uuid.UUID):
    """Add one comment (201); the same comment again answers 200 and changes nothing."""
    step = visible_step_or_404(current_user, action_step_id)
    comment_in = load_json(COMMENT_IN, current_app.config["MAX_JSON_BYTES"])
    comment, created = add_comment(
        current_user, step, comment_id, comment_in["body"], comment_in["created_at"]
    )
    db.session.commit()
    return jsonify(COMMENT_OUT.dump(comment)), 201 if created else 200
