"""The outbox's small JS API, as another feature uses it: a teacher's acknowledgement and
reflection queued offline on a tablet (kind "step-update")."""

import sqlalchemy as sa

from app.extensions import db
from app.models import User, Visit
from tests.browser.capture.conftest import (
    outbox_items,
    wait_for_empty_outbox,
)
from tests.browser.conftest import sign_in


def test_a_step_update_queued_offline_is_sent_once_back_online(demo, tablet):
    teacher = db.session.scalar(sa.select(User).where(User.email == "teacher@example.org"))
    latest = db.session.scalars(
        sa.select(Visit).where(Visit.teacher_id == teacher.id).order_by(Visit.started_at.desc())
    ).first()
    sign_in(tablet, "teacher@example.org")
    open_capture_page_or_home(tablet)
    tablet.context.set_offline(True)
    tablet.evaluate(
        """(visitId) => Dropin.outbox.add({
        kind: "step-update", label: "Reflection on my step",
        payload: { visit_id: visitId,
                   changes: { acknowledged: true, reflection: "Pupils waited." } },
    })""",
        str(latest.id),
    )
    [item] = outbox_items(tablet)
    assert item["kind"] == "step-update"
    assert (item["state"], item["userId"]) == ("pending", str(teacher.id))

    tablet.context.set_offline(False)
    wait_for_empty_outbox(tablet)
    db.session.refresh(latest.action_step)
    assert latest.action_step.acknowledged_at is not None
    assert latest.action_step.reflection == "Pupils waited."


def test_an_unknown_kind_is_refused_before_anything_is_stored(demo, tablet):
    sign_in(tablet, "teacher@example.org")
    error = tablet.evaluate("""() => Dropin.outbox.add({ kind: "grade", payload: {} })
        .then(() => null, (e) => e.message)""")
    assert "Unknown outbox kind" in error
    assert outbox_items(tablet) == []


def open_capture_page_or_home(page):
    """Teachers have no capture page; any signed-in page carries the outbox."""
    page.goto("/teacher")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
