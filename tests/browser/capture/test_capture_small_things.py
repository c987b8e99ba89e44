"""Issue 12, small things that lose trust: the lesson timer, the photo hint, photos opened
inside the app, and the installed app's first page for each person."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.capture.conftest import (
    Stored,
    demo_visit_ids,
    fill_capture,
    photo_bytes,
    wait_for_empty_outbox,
)
from tests.browser.conftest import assert_accessible, sign_in


def clock(page) -> int:
    minutes, seconds = page.locator("[data-timer-clock]").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def test_the_timer_starts_at_the_first_touch_never_jumps_back_and_stops_at_save(coach):
    before = demo_visit_ids()
    coach.wait_for_timeout(2500)  # the coach opened the page and is not in the lesson yet
    assert clock(coach) == 0

    first_touch = datetime.now(UTC)
    coach.get_by_label("Class").fill("Year 5")
    readings = []
    for _ in range(6):
        coach.wait_for_timeout(400)
        readings.append(clock(coach))
    assert readings == sorted(readings) and readings[-1] >= 1

    fill_capture(coach, teacher="Tom Baker", class_name="Year 5")
    coach.get_by_role("button", name="Save").click()
    expect(coach.get_by_text("Saved on this phone")).to_be_visible()
    coach.wait_for_timeout(1500)
    assert clock(coach) == 0  # the next drop-in has not started

    wait_for_empty_outbox(coach)
    [visit] = Stored().new_visits(before)
    started_at = visit.started_at.replace(tzinfo=visit.started_at.tzinfo or UTC)
    assert abs((started_at - first_touch).total_seconds()) < 1.5
    assert visit.duration_minutes == 1


def test_the_photo_hint_asks_for_pupils_work_without_faces_or_names(coach):
    expect(coach.locator("#photos-hint")).to_contain_text("Pupils' work only: no faces, no names.")


def test_a_tapped_photo_opens_inside_the_app_with_its_caption_and_a_way_back(coach):
    before = demo_visit_ids()
    fill_capture(coach, photos=[photo_bytes(95)], captions=["Column addition"])
    coach.get_by_role("button", name="Save").click()
    expect(coach.get_by_text("Saved on this phone")).to_be_visible()
    wait_for_empty_outbox(coach)
    [visit] = Stored().new_visits(before)
    page_url = f"{coach.url.split('/visits')[0]}/visits/{visit.id}"
    coach.goto(page_url)

    coach.locator(".photo-grid a").first.click()
    viewer = coach.get_by_role("dialog")
    expect(viewer).to_be_visible()
    expect(viewer).to_contain_text("Column addition")
    expect(viewer.locator("img")).to_have_js_property("complete", True)
    assert viewer.locator("img").evaluate("(img) => img.naturalWidth") > 0
    assert coach.url == page_url  # still in the app, on the visit
    assert_accessible(coach)

    viewer.get_by_role("button", name="Back").click()
    expect(coach.get_by_role("dialog")).to_have_count(0)
    assert coach.url == page_url

    coach.locator(".photo-grid a").first.click()
    expect(coach.get_by_role("dialog")).to_be_visible()
    coach.go_back()  # the phone's back gesture closes the viewer, not the visit
    expect(coach.get_by_role("dialog")).to_have_count(0)
    assert coach.url == page_url


def start_url(page) -> str:
    return page.evaluate("fetch('/manifest.webmanifest').then((r) => r.json())")["start_url"]


@pytest.mark.parametrize(
    "email, page",
    [
        ("teacher@example.org", "/teacher"),  # their step
        ("coach@example.org", "/visits/new"),  # a new drop-in
        ("lead@example.org", "/coverage"),  # who has and has not been coached
    ],
)
def test_the_installed_app_opens_on_each_persons_own_page(demo, phone, email, page):
    sign_in(phone, email)
    phone.goto(start_url(phone))
    assert phone.url.split("?")[0].endswith(page)


def test_the_installed_app_opens_on_a_new_drop_in_offline_from_a_cold_start(coach):
    url = start_url(coach)
    coach.goto(url)
    expect(coach.get_by_role("heading", name="New drop-in")).to_be_visible()
    coach.context.set_offline(True)
    coach.goto(url)
    expect(coach.get_by_role("heading", name="New drop-in")).to_be_visible()
    expect(coach.get_by_label("Teacher")).to_be_enabled()
