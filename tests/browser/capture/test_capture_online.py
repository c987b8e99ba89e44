"""Scenario 1, the one-tap verdict, photo removal, double-tap, accessibility and
installability: the capture page online, on a phone."""

import io

import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from app.extensions import db
from app.models import Visit
from tests.browser.capture.conftest import (
    assert_arrived,
    capture,
    demo_visit_ids,
    fill_capture,
    photo_bytes,
    sha256,
    wait_for_empty_outbox,
)
from tests.browser.conftest import assert_accessible


def test_online_capture_with_two_photos_arrives_once(coach):
    before = demo_visit_ids()
    photos = [photo_bytes(1), photo_bytes(2)]

    capture(coach, photos=photos, captions=["Column addition", ""])

    wait_for_empty_outbox(coach)
    [visit] = assert_arrived(before, visits=1, photos=2, hashes=[sha256(p) for p in photos])
    assert visit.teacher.email == "teacher@example.org"
    assert visit.coach.email == "coach@example.org"
    assert (visit.class_name, visit.subject) == ("Year 4", "Maths")
    assert visit.action_step.text.startswith("Ask the question, pause three seconds")
    assert visit.captured_offline is False
    assert sorted(p.caption for p in visit.photos) == ["", "Column addition"]
    expect(coach.get_by_role("link", name="All synced")).to_be_visible()
    expect(coach.locator("[data-outbox-list] li").first).to_contain_text("Synced")


def _latest_visit_of(email: str) -> Visit:
    db.session.rollback()
    return db.session.scalars(
        sa.select(Visit)
        .join(Visit.teacher)
        .where(Visit.teacher.has(email=email))
        .order_by(Visit.started_at.desc())
    ).first()


def test_verdict_on_the_current_step_library_step_and_a_removed_photo(coach):
    previous = _latest_visit_of("teacher@example.org")
    before = demo_visit_ids()
    photos = [photo_bytes(3), photo_bytes(4), photo_bytes(5)]
    coach.get_by_label("Teacher").select_option(label="Tom Baker · Riverside Primary")
    expect(coach.get_by_text(previous.action_step.text).first).to_be_visible()
    coach.get_by_role("button", name="Embedded").click()
    expect(coach.get_by_role("button", name="Embedded")).to_have_attribute("aria-pressed", "true")
    coach.get_by_label("Photos").set_input_files(
        [
            {"name": f"p{i}.jpg", "mimeType": "image/jpeg", "buffer": data}
            for i, data in enumerate(photos)
        ]
    )
    coach.get_by_role("button", name="Remove photo 2").click()
    expect(coach.locator("[data-photo-list] li")).to_have_count(2)
    coach.get_by_text("Library of steps").click()
    coach.get_by_label("Category").select_option("Modelling")
    coach.get_by_label("Search the library").fill("worked example")
    coach.get_by_role("button", name="Think aloud while you model one worked example").click()
    expect(coach.get_by_label("Action step")).to_have_value(
        "Think aloud while you model one worked example"
    )
    coach.get_by_role("button", name="Save").click()

    wait_for_empty_outbox(coach)
    [visit] = assert_arrived(
        before, visits=1, photos=2, hashes=[sha256(photos[0]), sha256(photos[2])]
    )
    assert visit.action_step.library_step is not None
    assert visit.action_step.library_step.category == "Modelling"
    db.session.refresh(previous.action_step)
    assert previous.action_step.status == "embedded"


def test_fresh_action_step_is_required_and_flagged_over_280_characters(coach):
    coach.get_by_role("button", name="Save").click()
    expect(coach.get_by_text("Choose the teacher you visited.")).to_be_visible()
    expect(coach.get_by_text("Write one action step")).to_be_visible()
    expect(coach.get_by_label("Teacher")).to_be_focused()
    # A teacher with a step to judge: the error names the way to keep it.
    coach.get_by_label("Teacher").select_option(label="Tom Baker · Riverside Primary")
    coach.get_by_role("button", name="Save").click()
    expect(
        coach.get_by_text(
            "Write the next action step, or tap Keep practising to keep the current one."
        )
    ).to_be_visible()
    coach.get_by_label("Action step").fill("x" * 300)
    # Kept whole, never cut in silence (test_capture_usability covers Save being blocked).
    expect(coach.get_by_label("Action step")).to_have_value("x" * 300)
    expect(coach.get_by_text("300 of 280")).to_be_visible()
    expect(coach.get_by_text("Shorten the step to 280 characters (20 too many).")).to_be_visible()


def test_double_tap_on_save_makes_one_visit(coach):
    before = demo_visit_ids()
    fill_capture(coach, photos=[photo_bytes(6)])
    coach.get_by_role("button", name="Save").dblclick()
    # And two submits in the same tick, as a bouncing finger would.
    coach.evaluate("""() => {
        const form = document.querySelector("[data-capture-form]");
        form.requestSubmit(); form.requestSubmit(); }""")
    wait_for_empty_outbox(coach)
    assert_arrived(before, visits=1, photos=1, hashes=[sha256(photo_bytes(6))])


def test_capture_page_is_accessible_with_a_step_photos_and_the_library_open(coach):
    coach.get_by_label("Teacher").select_option(label="Tom Baker · Riverside Primary")
    coach.get_by_role("button", name="Keep practising").click()
    expect(coach.get_by_text("This drop-in keeps the same step going")).to_be_visible()
    assert_accessible(coach, "capture-phone-keep-practising")
    coach.get_by_role("button", name="Change").click()
    coach.get_by_label("Photos").set_input_files(
        [{"name": "p.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes(7)}]
    )
    coach.get_by_text("Library of steps").click()
    expect(coach.locator("[data-photo-list] li")).to_have_count(1)
    assert_accessible(coach, "capture-phone")


def test_capture_page_works_one_handed_at_360_px(coach):
    coach.set_viewport_size({"width": 360, "height": 740})
    coach.get_by_label("Teacher").select_option(label="Tom Baker · Riverside Primary")
    coach.get_by_label("Photos").set_input_files(
        [{"name": "p.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes(8)}]
    )
    coach.get_by_text("Library of steps").click()
    assert coach.evaluate("document.documentElement.scrollWidth") <= 360
    small = coach.evaluate("""() => [...document.querySelectorAll(
        "main button, main select, main input:not([type=file]), main textarea, main summary,"
        + " .photo-picker")]
        .filter((el) => el.offsetParent !== null)
        .map((el) => [el.textContent.trim() || el.id || el.name, el.getBoundingClientRect().height])
        .filter(([, height]) => height < 48)""")
    assert small == []
    save = coach.get_by_role("button", name="Save").bounding_box()
    assert save["y"] + save["height"] <= 740  # in the thumb's reach without scrolling


def test_manifest_icons_and_service_worker_make_it_installable(coach):
    manifest = coach.request.get("/manifest.webmanifest").json()
    assert (manifest["display"], manifest["start_url"]) == ("standalone", "/start")
    for icon in manifest["icons"]:
        response = coach.request.get(icon["src"])
        assert response.ok
        width, height = Image.open(io.BytesIO(response.body())).size
        assert f"{width}x{height}" == icon["sizes"]
    assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}
    assert coach.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    cdp = coach.context.new_cdp_session(coach)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    cdp.detach()
    # Test contexts are incognito profiles, where Chromium never offers to install.
    assert [error for error in errors if error["errorId"] != "in-incognito"] == []
