"""The reminder delay is a school setting the admin changes with the others."""

# ruff: noqa: F811  (test parameters name the imported fixtures, as pytest wants)

from __future__ import annotations

import pytest

from app.extensions import db
from tests.admin_world import admin, field_errors, world  # noqa: F401


def settings(world, days: str) -> dict:
    return {
        "school-name": world["a1"].name,
        "school-slug": "a1",
        "school-timezone": "Europe/London",
        "school-cadence": "weekly",
        "school-reminder_after_days": days,
    }


def test_the_admin_sets_the_school_days_before_a_reminder(world, admin):
    assert world["a1"].reminder_after_days == 3
    response = admin(f"/admin/schools/{world['a1'].id}", settings(world, "5"))
    assert response.status_code == 200
    assert 'name="school-reminder_after_days"' in response.get_data(as_text=True)
    db.session.refresh(world["a1"])
    assert world["a1"].reminder_after_days == 5


@pytest.mark.parametrize("days", ["0", "21", "three"])
def test_a_reminder_delay_out_of_range_is_refused_at_the_field(world, admin, days):
    response = admin(f"/admin/schools/{world['a1'].id}", settings(world, days))
    assert response.status_code == 422
    assert any("school days" in error or "integer" in error for error in field_errors(response))
    db.session.refresh(world["a1"])
    assert world["a1"].reminder_after_days == 3
