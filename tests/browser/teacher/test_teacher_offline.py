"""The teacher's step with no connection: read after one online visit (photos too),
changes queued in the outbox and sent exactly once, and a shared tablet that never shows
one person's step to another. `context.set_offline` cuts page and worker alike."""

import re
import uuid

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import User, Visit
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.teacher.conftest import coach_sends_a_visit, poll, wait_until_kept_for_offline
from tests.photo_fixtures import plain_jpeg

STEP = "Give pupils ten seconds of silent thinking before any hands go up."
IMAGE_SHOWN = (
    "([...document.querySelectorAll('.photo-grid img')]).every((img) => "
    "img.complete && img.naturalWidth > 0)"
)


def step_on_server(visit_id: str):
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Visit, uuid.UUID(visit_id)).action_step


def outbox_items(page) -> list[dict]:
    return page.evaluate("""async () => (await Dropin.outbox.list()).map((item) => ({
        kind: item.kind, state: item.state, changes: item.payload.changes}))""")


def send_a_visit(phone, photos=()):
    sign_in(phone, "coach@example.org")
    return coach_sends_a_visit(phone, "teacher@example.org", STEP, "Pupils keen to answer.", photos)


def test_reading_the_current_step_and_its_photos_works_offline(demo, phone, tablet):
    visit_id, photo_ids = send_a_visit(phone, photos=(plain_jpeg(800, 600),))
    sign_in(tablet, "teacher@example.org")
    expect(tablet.locator(".photo-grid img")).to_have_count(1)
    wait_until_kept_for_offline(tablet)

    tablet.context.set_offline(True)
    tablet.reload()
    expect(tablet.locator("#step-heading")).to_have_text(STEP)
    expect(tablet.get_by_text("Pupils keen to answer.")).to_be_visible()
    expect(tablet.get_by_text("You are offline.")).to_be_visible()
    poll(tablet, IMAGE_SHOWN, message="the photo shown offline")
    assert_accessible(tablet, "teacher-home-offline")

    tablet.goto("/teacher/journey")  # never opened online: the offline page, not an error
    expect(tablet.get_by_role("heading", level=1)).not_to_have_text("How my steps built up")
    tablet.goto("/teacher")  # a fresh navigation, served by the worker
    expect(tablet.locator("#step-heading")).to_have_text(STEP)
    opened = tablet.evaluate(f"fetch('/photos/{photo_ids[0]}').then((r) => r.ok)")
    assert opened  # the display size too, for the tap on the thumbnail


def test_an_offline_acknowledgement_arrives_exactly_once(demo, phone, tablet):
    visit_id, _ = send_a_visit(phone)
    sign_in(tablet, "teacher@example.org")
    wait_until_kept_for_offline(tablet)

    tablet.context.set_offline(True)
    tablet.get_by_role("button", name="Got it: I’ll try this").click()
    expect(tablet.get_by_role("status").filter(has_text="Saved on this tablet")).to_be_focused()
    expect(tablet.get_by_text("✓ You acknowledged this.")).to_be_visible()
    reflection = "Tried it in period 2; the quiet pupils answered too."
    tablet.get_by_label("What did you try, and what happened?").fill(reflection)
    tablet.get_by_role("button", name="Save reflection").click()
    assert [item["changes"] for item in outbox_items(tablet)] == [
        {"acknowledged": True},
        {"reflection": reflection},
    ]
    assert step_on_server(visit_id).acknowledged_at is None

    tablet.reload()  # still offline: the page says what waits, the outbox keeps it
    expect(tablet.get_by_text("✓ You acknowledged this.")).to_be_visible()
    expect(tablet.get_by_label("What did you try, and what happened?")).to_have_value(reflection)
    assert len(outbox_items(tablet)) == 2
    # A teacher's queued changes are not called drop-ins.
    expect(tablet.get_by_role("link", name="2 changes waiting to sync")).to_be_visible()

    tablet.context.set_offline(False)
    poll(
        tablet,
        "Dropin.outbox.list().then((items) => items.length === 0)",
        30_000,
        "an empty outbox",
    )
    step = step_on_server(visit_id)
    acknowledged_at = step.acknowledged_at
    assert acknowledged_at is not None
    assert step.reflection == reflection

    # Sent again (another tab, a replay): the server keeps the first acknowledgement.
    tablet.evaluate(f"""Dropin.outbox.add({{kind: "step-update",
        payload: {{visit_id: "{visit_id}", changes: {{acknowledged: true}}}}}})""")
    poll(
        tablet,
        "Dropin.outbox.list().then((items) => items.length === 0)",
        30_000,
        "an empty outbox",
    )
    assert step_on_server(visit_id).acknowledged_at == acknowledged_at
    tablet.reload()
    expect(tablet.get_by_text(re.compile(r"You acknowledged this on"))).to_be_visible()


def test_a_shared_tablet_never_shows_one_teachers_step_to_another(demo, phone, tablet):
    visit_id, photo_ids = send_a_visit(phone, photos=(plain_jpeg(640, 480),))
    sign_in(tablet, "teacher@example.org")
    wait_until_kept_for_offline(tablet)

    tablet.context.clear_cookies()  # Tom's session ends without signing out
    sign_in(tablet, "teacher2@example.org")  # Leo, on the same tablet
    expect(tablet).to_have_url(re.compile(r"/teacher$"))
    wait_until_kept_for_offline(tablet)
    leo_id = db.session.scalar(sa.select(User.id).where(User.email == "teacher2@example.org"))
    caches = tablet.evaluate("caches.keys()")
    assert [name for name in caches if name.startswith("dropin-user-")] == [f"dropin-user-{leo_id}"]

    tablet.context.set_offline(True)
    tablet.goto("/teacher")
    expect(tablet.locator("#step-heading")).not_to_have_text(STEP)
    assert STEP not in tablet.content()
    photo = tablet.evaluate(f"fetch('/photos/{photo_ids[0]}').then((r) => r.ok, () => false)")
    assert photo is False


def test_signing_out_forgets_the_kept_step(demo, phone, tablet):
    send_a_visit(phone)
    sign_in(tablet, "teacher@example.org")
    wait_until_kept_for_offline(tablet)
    tablet.get_by_role("button", name="Sign out").click()
    expect(tablet.get_by_role("heading", name="Sign in")).to_be_visible()
    poll(
        tablet,
        "caches.keys().then((names) => !names.some((n) => n.startsWith('dropin-user-')))",
        message="no person's cache left",
    )
    tablet.context.set_offline(True)
    tablet.goto("/teacher")
    assert STEP not in tablet.content()
