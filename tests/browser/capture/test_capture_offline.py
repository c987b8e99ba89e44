"""Scenarios 2, 5, 8 and 9: no network, an expired session, a new app version, two tabs.
`context.set_offline` cuts the page's and the service worker's requests."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import User
from tests.browser.capture.conftest import (
    Stored,
    assert_arrived,
    capture,
    demo_visit_ids,
    open_capture_page,
    outbox_items,
    photo_bytes,
    poll,
    refuse_the_api,
    sha256,
    stored_photo_hashes,
    wait_for_empty_outbox,
    wait_for_outbox,
)
from tests.browser.conftest import assert_accessible, sign_in

LONG_EDGE = """async (id) => {
    const record = await Dropin.outbox.photo(id);
    const bitmap = await createImageBitmap(new Blob([record.bytes]));
    return Math.max(bitmap.width, bitmap.height);
}"""


def test_offline_from_a_cold_start_captures_survive_reload_and_restart(
    demo, persistent_phone, live_server
):
    context, page = persistent_phone()
    sign_in(page, "coach@example.org", remember=True)
    open_capture_page(page)
    online_photo = photo_bytes(20)
    capture(page, teacher="Dan Lewis", photos=[online_photo])
    wait_for_empty_outbox(page)
    before = demo_visit_ids()
    context.close()

    refuse_the_api(live_server)
    context, page = persistent_phone(offline=True)  # a cold start with no network
    page.goto("/visits/new")
    expect(page.get_by_role("heading", name="New drop-in")).to_be_visible()
    camera_photo = photo_bytes(21, size=(3200, 2400))
    capture(page, teacher="Tom Baker", photos=[camera_photo, photo_bytes(22)])
    capture(page, teacher="Amara Okafor", photos=[photo_bytes(23)])
    capture(page, teacher="Dan Lewis")
    photo_ids = [photo_id for ids in outbox_items_with_photo_ids(page) for photo_id in ids]
    long_edges = [page.evaluate(LONG_EDGE, photo_id) for photo_id in photo_ids]
    assert sorted(long_edges) == [640, 640, 1600]  # the camera's photo shrunk on the phone
    device_hashes = stored_photo_hashes(page)
    assert sha256(camera_photo) not in device_hashes

    page.reload()
    expect(page.locator("[data-outbox-list] [data-state=pending]")).to_have_count(3)
    context.close()
    context, page = persistent_phone(offline=True)
    page.goto("/outbox")
    expect(page.locator("[data-outbox-list] [data-state=pending]")).to_have_count(3)
    expect(page.get_by_role("link", name="3 drop-ins waiting to sync")).to_be_visible()
    assert Stored().new_visits(before) == []

    live_server.faults.rule = None
    context.set_offline(False)
    wait_for_empty_outbox(page)
    visits = assert_arrived(
        before, visits=3, photos=4, hashes=device_hashes + [sha256(online_photo)]
    )
    assert all(visit.captured_offline for visit in visits)
    expect(page.get_by_role("link", name="All synced")).to_be_visible()


def outbox_items_with_photo_ids(page):
    return page.evaluate(
        "Dropin.outbox.list().then((items) => items.map((i) => i.photos.map((p) => p.id)))"
    )


def test_expired_session_waits_for_the_same_coach_never_another(coach, api_redirects):
    context = coach.context
    before = demo_visit_ids()
    context.set_offline(True)
    photo = photo_bytes(30)
    capture(coach, teacher="Tom Baker", photos=[photo])
    capture(coach, teacher="Amara Okafor")

    api_redirects.active = True  # a 302 to the sign-in page is never "sent"
    context.set_offline(False)
    wait_for_outbox(coach, "items.length === 2 && items.every((item) => item.attempts >= 2)")
    assert Stored().new_visits(before) == []
    context.clear_cookies()  # the session expires (first: a retry in between would send)
    api_redirects.active = False
    coach.evaluate("Dropin.sync.run({ force: true })")
    wait_for_outbox(coach, "items.length === 2 && items.every((i) => i.state === 'needs-sign-in')")
    expect(coach.get_by_role("link", name="2 wait for sign-in")).to_be_visible()

    sign_in(coach, "head.riverside@example.org")  # someone else on this phone
    coach.goto("/outbox")
    wait_for_outbox(
        coach,
        "items.length === 2 && items.every((i) => i.state === 'needs-sign-in'"
        " && i.lastError.includes('another account'))",
    )
    assert Stored().new_visits(before) == []
    # Ruth sees that two captures wait for someone else, never whose or for whom; they
    # are not hers to worry about: her status says all synced, her sign-out asks nothing.
    others = coach.locator("[data-others-waiting]")
    expect(others).to_have_text(
        "2 captures from another account wait on this phone. "
        "They are sent when that person signs in here again."
    )
    expect(coach.locator("[data-outbox-list]")).not_to_contain_text("Tom Baker")
    expect(coach.locator("[data-outbox-list]")).not_to_contain_text("Amara Okafor")
    expect(coach.locator("[data-sync-status-text]")).to_have_text("All synced")
    expect(coach.get_by_role("heading", level=1)).to_have_text(
        "Everything on this phone has synced"
    )
    assert_accessible(coach, "outbox-another-accounts-captures-phone")
    coach.goto(f"/visits/new?edit={outbox_items(coach)[0]['id']}")  # a Fix link is not hers
    expect(coach.locator("[data-capture-heading]")).to_have_text("New drop-in")
    expect(coach.get_by_label("Notes")).to_have_value("")

    coach.get_by_role("button", name="Sign out").click()
    expect(coach.get_by_role("heading", name="Sign in")).to_be_visible()

    sign_in(coach, "coach@example.org")
    wait_for_empty_outbox(coach)
    visits = assert_arrived(before, visits=2, photos=1, hashes=[sha256(photo)])
    coach_id = db.session.scalar(sa.select(User.id).where(User.email == "coach@example.org"))
    assert {visit.coach_id for visit in visits} == {coach_id}


def test_sign_out_warns_and_staying_keeps_everything(coach):
    coach.context.set_offline(True)
    capture(coach)
    coach.get_by_role("button", name="Sign out").click()
    expect(coach.get_by_role("dialog")).to_contain_text("Nothing is deleted")
    coach.get_by_role("button", name="Stay signed in").click()
    expect(coach.get_by_role("dialog")).to_have_count(0)
    assert len(outbox_items(coach)) == 1
    expect(coach.get_by_role("link", name="1 drop-in waiting to sync")).to_be_visible()


def shell_caches(page) -> list[str]:
    return page.evaluate(
        "caches.keys().then((names) => names.filter((n) => n.startsWith('dropin-shell-')))"
    )


def worker_version(page) -> str:
    return re.search(r'const VERSION = "(\w+)"', page.request.get("/sw.js").text()).group(1)


def test_new_service_worker_version_while_captures_wait_loses_nothing(coach, live_server):
    before = demo_visit_ids()
    live_server.faults.rule = lambda environ: (
        "503 SERVICE UNAVAILABLE",
        b'{"error": "Deploying"}',
        "application/json",
    )
    photos = [photo_bytes(40), photo_bytes(41), photo_bytes(42)]
    capture(coach, teacher="Tom Baker", photos=photos[:1])
    capture(coach, teacher="Amara Okafor", photos=photos[1:2])
    first = worker_version(coach)
    assert shell_caches(coach) == [f"dropin-shell-{first}"]

    live_server.app.config["RELEASE"] = "second"  # a deploy while captures wait
    second = worker_version(coach)
    coach.goto("/visits/new")  # nothing in progress: the new version takes over
    poll(
        coach,
        f"caches.keys().then((n) => n.includes('dropin-shell-{second}') "
        f"&& !n.includes('dropin-shell-{first}'))",
        message="the second version",
    )
    assert len(outbox_items(coach)) == 2

    coach.get_by_label("Notes").fill("Half-way through a drop-in")
    coach.evaluate("window.stillTheSamePage = true")
    live_server.app.config["RELEASE"] = "third"
    third = worker_version(coach)
    coach.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    poll(
        coach,
        "navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)",
        message="the third version waiting",
    )
    assert coach.evaluate("window.stillTheSamePage") is True
    expect(coach.get_by_label("Notes")).to_have_value("Half-way through a drop-in")

    capture(coach, teacher="Dan Lewis", photos=photos[2:])  # saved: now it may update
    poll(
        coach,
        f"caches.keys().then((n) => n.includes('dropin-shell-{third}'))",
        message="the third version active",
    )
    assert len(outbox_items(coach)) == 3

    live_server.faults.rule = None
    coach.evaluate("Dropin.sync.run({ force: true })")
    wait_for_empty_outbox(coach)
    assert_arrived(before, visits=3, photos=3, hashes=[sha256(p) for p in photos])


def test_two_tabs_syncing_at_once_send_each_capture_once(coach):
    before = demo_visit_ids()
    other_tab = coach.context.new_page()
    open_capture_page(other_tab)
    coach.context.set_offline(True)
    photos = [photo_bytes(50), photo_bytes(51), photo_bytes(52)]
    capture(coach, teacher="Tom Baker", photos=photos[:2])
    capture(other_tab, teacher="Amara Okafor", photos=photos[2:])
    capture(coach, teacher="Dan Lewis")

    coach.context.set_offline(False)  # both tabs hear "online" and start sending
    coach.evaluate("Dropin.sync.run({ force: true })")
    other_tab.evaluate("Dropin.sync.run({ force: true })")
    wait_for_empty_outbox(coach)
    wait_for_empty_outbox(other_tab)
    assert_arrived(before, visits=3, photos=3, hashes=[sha256(p) for p in photos])


def test_a_page_read_offline_says_when_it_was_made(coach):
    """Offline, Drop-ins is the copy the phone kept: its "due this week" may be stale."""
    coach.goto("/visits")
    note = coach.locator("[data-kept-copy]")
    expect(note).to_be_hidden()  # online: the page is today's
    poll(
        coach,
        "caches.keys().then(async (names) => { for (const n of names) {"
        " if (n.startsWith('dropin-user-') && await (await caches.open(n)).match('/visits'))"
        " return true; } return false; })",
        message="Drop-ins was not kept",
    )
    coach.context.set_offline(True)
    coach.reload()
    expect(coach.get_by_role("heading", level=1)).to_have_text("Drop-ins")
    expect(note).to_be_visible()
    expect(note).to_contain_text(re.compile(r"This page as it was at .*\d\d:\d\d"))
    assert_accessible(coach, "visits-kept-copy-offline-phone")
    coach.context.set_offline(False)
    expect(note).to_be_hidden()
