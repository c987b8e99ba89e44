"""When each person last looked at a step, for the "new" markers on the step and on the
comments that came after. Flushes; the page route commits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.idempotent import insert_or_update
from app.models import ActionStep, StepView, User, utcnow


def look_at(user: User, step: ActionStep, now: datetime | None = None) -> datetime | None:
    """Record that `user` is looking at `step` now; returns when they last looked before
    (None: never), so the page can mark the step and later comments as new."""
    before = db.session.scalar(
        sa.select(StepView.seen_at).where(StepView.user_id == user.id, StepView.step_id == step.id)
    )
    values = {"user_id": user.id, "step_id": step.id, "seen_at": now or utcnow()}
    insert_or_update(StepView, values, keys=("user_id", "step_id"), update=("seen_at",))
    return before
