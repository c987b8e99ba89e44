"""Deliberate practice (issue 17): the library's steps carry a practice plan the admin
writes, and the demo trust comes with plans and a practice log, seeded once."""

# ruff: noqa: F811  (test parameters name the imported fixtures, as pytest wants)

from __future__ import annotations

import sqlalchemy as sa

from app import limits
from app.extensions import db
from app.models import ActionStep, LibraryStep, User
from app.steps.models import PracticeEntry
from app.steps.services import live_step
from tests.admin_world import admin, field_errors, world  # noqa: F401  (pytest fixtures)


def test_the_admin_writes_and_edits_a_library_steps_plan(world, admin):
    trust = world["trust_a"]
    added = admin(
        f"/admin/trusts/{trust.id}/library",
        {
            "school_id": 0,
            "category": "Questioning",
            "title": "Wait three seconds",
            "practice_rehearse": "Count the pause aloud with your coach.",
            "practice_success": "Every hand stays down for three seconds.",
        },
    )
    assert added.status_code == 200
    assert "Count the pause aloud with your coach." in added.get_data(as_text=True)
    step = db.session.scalar(
        sa.select(LibraryStep).where(LibraryStep.title == "Wait three seconds")
    )
    assert step.practice_success == "Every hand stays down for three seconds."
    prefix = f"step-{step.id}-"
    form = {f"{prefix}school_id": 0, f"{prefix}category": "Questioning", f"{prefix}title": "Wait"}
    edited = admin(f"/admin/library/{step.id}", {**form, f"{prefix}practice_rehearse": "Alone."})
    assert edited.status_code == 200
    db.session.refresh(step)
    assert (step.practice_rehearse, step.practice_success) == ("Alone.", "")
    too_long = admin(
        f"/admin/library/{step.id}",
        {**form, f"{prefix}practice_success": "x" * (limits.PRACTICE_SUCCESS + 1)},
    )
    assert too_long.status_code == 422
    assert f"Keep it to {limits.PRACTICE_SUCCESS} characters or fewer." in field_errors(too_long)


def test_the_demo_has_plans_and_a_practice_log_seeded_once(app, runner):
    for _ in range(2):
        assert runner.invoke(args=["seed-demo", "--password", "pw-demo"]).exit_code == 0
    library = db.session.scalars(sa.select(LibraryStep)).all()
    assert library and all(step.practice_rehearse and step.practice_success for step in library)
    steps = db.session.scalars(sa.select(ActionStep)).all()
    assert all(step.practice_rehearse for step in steps)
    teacher = db.session.scalar(sa.select(User).where(User.email == "teacher@example.org"))
    step = live_step(teacher.id)
    log = db.session.scalars(sa.select(PracticeEntry).where(PracticeEntry.step_id == step.id)).all()
    assert {entry.kind for entry in log} == {"rehearsal", "lesson"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PracticeEntry)) == 2
