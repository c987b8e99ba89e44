"""A new visit's row holds every value its capture sent (PostgreSQL's INSERT is built once
with a bound parameter per column: a column left out would be dropped silently)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

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


def test_the_new_visit_and_step_hold_every_column_without_reading_them_back(app, world):
    """The sync PUT makes its Visit and ActionStep from the values it wrote (PostgreSQL
    reads back only what the database decides): a column missing there would be read
    again, one more round trip, or worse, answered wrongly."""
    from app.models import ActionStep
    from app.schemas import VisitInSchema
    from app.visits.services import sync_visit

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's path is the ORM's flush, which reads NULL columns when used")

    capture = VisitInSchema().load(capture_for(world["people"]["teacher"]))
    result = sync_visit(world["people"]["coach"], uuid.uuid4(), capture)
    assert result.created
    for instance, model in ((result.visit, Visit), (result.visit.action_step, ActionStep)):
        state = sa.inspect(instance)
        assert state.persistent and not db.session.is_modified(instance)
        columns = {column.key for column in sa.inspect(model).column_attrs}
        assert not state.unloaded & columns, state.unloaded & columns
    db.session.rollback()
