"""What a tester found awkward on the phone: errors that outlived their fix, non-photos
taken as photos, a verdict on the step being fixed, "All synced" while offline, an empty
outbox that still said "Waiting to sync", teacher cards that went nowhere, action steps
cut short in silence, and a header that took two rows."""

import json
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import User
from tests.browser.capture.conftest import (
    capture,
    fill_capture,
    outbox_items,
    photo_bytes,
    wait_for_empty_outbox,
    wait_for_outbox,
)
from tests.browser.conftest import assert_accessible, sign_in

TOM = "Tom Baker · Riverside Primary"
#: An ISO-BMFF box header; the brand after it says whether it is HEIC/HEIF.
HEADER = b"\0\0\0\x18ftyp"


def test_an_error_goes_as_soon_as_its_field_is_fixed(coach):
    coach.get_by_role("button", name="Save").click()
    teacher_error = coach.get_by_text("Choose the teacher you visited.")
    step_error = coach.get_by_text("Write one action step, or choose one from the library.")
    expect(teacher_error).to_be_visible()
    expect(step_error).to_be_visible()
    expect(coach.get_by_label("Teacher")).to_have_attribute("aria-invalid", "")

    coach.get_by_label("Teacher").select_option(label=TOM)
    expect(teacher_error).to_be_hidden()
    expect(coach.get_by_label("Teacher")).not_to_have_attribute("aria-invalid", "")
    expect(step_error).to_be_visible()  # untouched fields keep theirs

    coach.get_by_text("Library of steps").click()
    coach.get_by_role("button", name="Think aloud while you model one worked example").click()
    expect(step_error).to_be_hidden()
    assert_accessible(coach, "capture-errors-cleared-phone")


def test_a_file_that_is_not_a_picture_is_refused_when_picked(coach):
    coach.get_by_label("Photos").set_input_files(
        [
            {
                "name": "notes.jpg",
                "mimeType": "image/jpeg",
                "buffer": b"Just some text, not a photo.",
            },
            {"name": "lesson-plan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n..."},
            {"name": "work.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes(90)},
            {
                "name": "fake.heic",
                "mimeType": "image/heic",
                "buffer": HEADER + b"abcd" + b"\0" * 20,
            },
        ]
    )
    error = coach.locator("#photos-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(
        "\u201cnotes.jpg\u201d, \u201clesson-plan.pdf\u201d, \u201cfake.heic\u201d are not photos"
    )
    expect(coach.locator("[data-photo-list] li")).to_have_count(1)
    assert_accessible(coach, "capture-photo-refused-phone")

    # A picture picked next clears the message; what is saved holds only real pictures.
    coach.get_by_label("Photos").set_input_files(
        [
            {
                "name": "heif.heic",
                "mimeType": "image/heic",
                "buffer": HEADER + b"heic" + b"\0" * 20,
            },
        ]
    )
    expect(error).to_be_hidden()
    coach.context.set_offline(True)
    capture(coach)
    assert [item["photos"] for item in outbox_items(coach)] == [2]


def _reject_photos(environ):
    if "/photos" in environ["PATH_INFO"]:
        body = json.dumps({"error": "Send a JPEG, PNG, WebP or HEIC photo."}).encode()
        return ("415 UNSUPPORTED MEDIA TYPE", body, "application/json")
    return None


def test_fixing_a_refused_capture_offers_no_verdict_on_its_own_step(coach, live_server):
    live_server.faults.rule = _reject_photos
    capture(coach, photos=[photo_bytes(91)], step="Cold-call after the pause, every time")
    wait_for_outbox(coach, "items.length === 1 && items[0].state === 'needs-attention'")
    live_server.faults.rule = None

    coach.goto("/outbox")
    coach.get_by_role("link", name=re.compile(r"^Fix")).click()
    expect(coach.get_by_role("heading", name="Fix this drop-in")).to_be_visible()
    expect(coach.get_by_label("Action step")).to_have_value("Cold-call after the pause, every time")
    # The server already has the visit, so its step is "current": it is not up for a verdict.
    expect(coach.get_by_role("button", name="Embedded")).to_be_hidden()
    expect(coach.get_by_role("heading", name="Their current step")).to_be_hidden()

    # Opened but not changed, it is still in the outbox: leaving asks nothing.
    asked: list[str] = []
    coach.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    coach.get_by_role("navigation", name="Main").get_by_role("link", name="Drop-ins").click()
    expect(coach).to_have_url(re.compile(r"/visits$"))
    assert asked == []


def test_offline_the_indicator_says_so_and_counts_what_waits(coach):
    indicator = coach.locator("[data-sync-status-text]")
    expect(indicator).to_have_text("All synced")
    coach.context.set_offline(True)
    expect(indicator).to_have_text("Offline · drop-ins and step changes wait on this device")
    capture(coach)
    capture(coach, teacher="Amara Okafor")
    expect(indicator).to_have_text("Offline · 2 drop-ins waiting to sync")
    expect(coach.get_by_text("It syncs when the phone is online.")).to_be_visible()
    assert_accessible(coach, "capture-offline-indicator-phone")
    coach.context.set_offline(False)
    wait_for_empty_outbox(coach)
    expect(indicator).to_have_text("All synced")


def test_saved_message_says_it_was_sent_when_online_and_opens_it(coach):
    capture(coach)
    expect(
        coach.get_by_text("Saved on this phone: drop-in with Tom Baker. Sent to the server.")
    ).to_be_visible()
    expect(coach.get_by_text("It syncs when the phone is online.")).to_have_count(0)
    assert_accessible(coach, "capture-saved-and-sent-phone")
    coach.get_by_role("link", name="Open the drop-in").click()
    expect(coach).to_have_url(re.compile(r"/visits/[0-9a-f-]{36}$"))
    expect(coach.get_by_role("heading", level=1)).to_contain_text("Tom Baker")


def test_outbox_with_nothing_waiting_says_everything_synced(coach):
    coach.goto("/outbox")
    heading = coach.get_by_role("heading", level=1)
    expect(heading).to_have_text("Everything on this phone has synced")
    expect(coach.get_by_role("button", name="Retry now")).to_be_hidden()
    assert_accessible(coach, "outbox-empty-phone")

    coach.context.set_offline(True)
    coach.goto("/visits/new")
    capture(coach)
    coach.goto("/outbox")
    expect(coach.get_by_role("heading", level=1)).to_have_text("Waiting to sync")
    expect(coach.get_by_role("button", name="Retry now")).to_be_visible()


def test_a_teacher_card_starts_a_drop_in_with_that_teacher(coach):
    coach.goto("/visits")
    teachers = coach.get_by_role("region", name="Your teachers")
    teachers.get_by_role("link", name="New drop-in with Amara Okafor").click()
    expect(coach).to_have_url(re.compile(r"/visits/new\?teacher=\d+$"))
    expect(coach.get_by_label("Teacher")).to_have_value(str(_user_id("amara.okafor@example.org")))
    assert_accessible(coach, "capture-teacher-preselected-phone")

    # Someone this coach does not coach, or nonsense: nothing chosen, no error.
    for teacher in (_user_id("teacher2@example.org"), "999999", "x'<"):
        response = coach.goto(f"/visits/new?teacher={teacher}")
        assert response.status == 200
        expect(coach.get_by_label("Teacher")).to_have_value("")
        expect(coach.locator("[data-error-for='teacher']")).to_be_hidden()


def _user_id(email: str) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(User.id).where(User.email == email))


@pytest.mark.parametrize(
    ("label", "field", "limit", "message"),
    [
        ("Action step", "step", 280, "Shorten the step to 280 characters (10 too many)."),
        # Pasting 18,000 characters into Notes used to keep 10,000 without a word.
        ("Notes", "notes", 10_000, "Shorten the notes to 10,000 characters (10 too many)."),
    ],
)
def test_too_long_text_is_kept_whole_and_blocks_save(coach, label, field, limit, message):
    coach.context.set_offline(True)
    fill_capture(coach, **{field: "x" * (limit + 10)})
    box = coach.get_by_label(label)
    expect(box).to_have_value("x" * (limit + 10))  # pasted text is never cut
    expect(coach.get_by_text(message)).to_be_visible()
    assert_accessible(coach, f"capture-{field}-too-long-phone")

    coach.get_by_role("button", name="Save").click()
    expect(box).to_be_focused()
    assert outbox_items(coach) == []

    box.fill("x" * limit)
    expect(coach.get_by_text(message)).to_be_hidden()
    coach.get_by_role("button", name="Save").click()
    expect(coach.get_by_text("Saved on this phone")).to_be_visible()


def test_the_step_counter_says_how_far_over_it_is(coach):
    fill_capture(coach, step="x" * 290)
    expect(coach.locator("[data-step-counter]")).to_have_text("290 of 280")
    expect(coach.locator("[data-step-counter]")).to_have_class(re.compile(r"\bover\b"))


def _box(page, locator) -> dict:
    return page.locator(locator).first.bounding_box()


def test_phone_layout_is_compact(coach):
    header = _box(coach, "header.topbar")
    # Brand and Sign out on one row, the coach's four nav links on a second (they wrap,
    # never scroll out of sight): two tap-high rows, no more.
    assert header["height"] <= 110
    sign_out = _box(coach, "form[data-signout] button")
    assert sign_out["y"] < header["y"] + header["height"]
    assert sign_out["x"] + sign_out["width"] <= 390

    heading = coach.get_by_role("heading", name="New drop-in")
    assert heading.bounding_box()["height"] < 50  # one line: never "New drop- / in"

    link = coach.get_by_role("link", name="All captures waiting on this phone")
    assert link.bounding_box()["height"] >= 48
    assert_accessible(coach, "capture-compact-header-phone")


def test_sync_indicator_lines_up_with_the_content_on_a_laptop(demo, laptop):
    sign_in(laptop, "coach@example.org")
    for path in ("/outbox", "/visits", "/visits/new"):
        laptop.goto(path)
        # The indicator's box and main's box: same edges, same inner padding.
        indicator, main = _box(laptop, "[data-sync-status-text]"), _box(laptop, "main")
        assert abs(indicator["x"] - main["x"]) <= 1, path
        assert abs(indicator["width"] - main["width"]) <= 1, path
        padding = "(css) => getComputedStyle(document.querySelector(css)).paddingLeft"
        assert laptop.evaluate(padding, "[data-sync-status-text]") == laptop.evaluate(
            padding, "main"
        )


def test_leaving_a_half_written_drop_in_asks_first(coach):
    """A tester tapped the Drop-ins tab beside New drop-in with notes, a step and a photo
    written, and lost them all without a word."""
    fill_capture(coach, notes="Pupils rehearsed the method in pairs.")
    asked: list[str] = []

    def answer(dialog, accept: bool):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    coach.once("dialog", lambda dialog: answer(dialog, accept=False))
    coach.get_by_role("navigation", name="Main").get_by_role("link", name="Drop-ins").click()
    expect(coach.get_by_label("Notes")).to_have_value("Pupils rehearsed the method in pairs.")
    assert coach.url.endswith("/visits/new")
    assert asked == ["This drop-in is not saved yet. Leave it and lose what you wrote?"]

    coach.once("dialog", lambda dialog: answer(dialog, accept=True))
    coach.get_by_role("navigation", name="Main").get_by_role("link", name="Drop-ins").click()
    expect(coach).to_have_url(re.compile(r"/visits$"))
    assert len(asked) == 2


def test_after_a_save_leaving_asks_nothing(coach):
    capture(coach)
    asked: list[str] = []
    coach.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    coach.get_by_role("navigation", name="Main").get_by_role("link", name="Drop-ins").click()
    expect(coach).to_have_url(re.compile(r"/visits$"))
    assert asked == []
