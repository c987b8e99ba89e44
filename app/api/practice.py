"""The practice log of a step: the teacher and their coach each note when the step was
rehearsed or tried in class, from the tablet or the phone, online or through the outbox
(the entry's id is made on the device)."""

from __future__ import annotations

import uuid

from flask import current_app, jsonify
from flask_login import current_user, login_required

from app.api import bp
from app.api.bodies import load_json
from app.authz import visible_step_or_404
from app.extensions import db
from app.schemas import PracticeEntryInSchema, PracticeEntryOutSchema
from app.steps.practice import log_practice

ENTRY_IN = PracticeEntryInSchema()
ENTRY_OUT = PracticeEntryOutSchema()


@bp.put("/steps/<int:action_step_id>/practice/<uuid:entry_id>")
@login_required
def put_practice(action_step_id: int, entry_id: uuid.UUID):
    """Log one practice (201); the same entry again answers 200 and changes nothing."""
    step = visible_step_or_404(current_user, action_step_id)
    entry_in = load_json(ENTRY_IN, current_app.config["MAX_JSON_BYTES"])
    entry, created = log_practice(
        current_user,
        step,
        entry_id,
        kind=entry_in["kind"],
        practised_on=entry_in["practised_on"],
        note=entry_in["note"],
        client_created_at=entry_in["created_at"],
    )
    db.session.commit()
    return jsonify(ENTRY_OUT.dump(entry)), 201 if created else 200
