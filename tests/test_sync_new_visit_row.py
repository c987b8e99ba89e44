"""A new visit's row holds every value its capture sent (PostgreSQL's INSERT is built once
with a bound parameter per column: a column left out would be dropped silently)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Visit
from tests.api_support import ApiClient, build_world, capture_for


@pytest.fixture
def world(app):
    return build_world()


def test_a_new_visit_stores_every_value_of_its_capture(app, world, client):
    api = ApiClient(client).sign_in("coach@a1.test")
    made = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    body = capture_for(
        world["people"]["teacher"],
        created_at=made.isoformat(),
        updated_at=(made + timedelta(minutes=5)).isoformat(),
        captured_offline=True,
        photo_ids=[str(uuid.uuid4())],
    )
    visit_id = uuid.uuid4()
    assert api.put_visit(visit_id, body).status_code == 201
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.client_created_at == made
        assert visit.client_updated_at == made + timedelta(minutes=5)
        assert visit.captured_offline is True
        assert visit.expected_photo_ids == body["photo_ids"]
        assert (visit.class_name, visit.subject, visit.notes) == (
            body["class_name"],
            body["subject"],
            body["notes"],
        )
        assert visit.duration_minutes == body["duration_minutes"]
