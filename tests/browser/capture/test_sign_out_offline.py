"""Issue 12, signing out on a shared phone: out of reach of the server, Sign out still
signs out at once on the phone; the server ends the session as soon as it answers, before
anything else is sent; the person's unsent drop-ins stay theirs."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import User
from tests.browser.capture.conftest import (
    Stored,
    assert_arrived,
    capture,
    demo_visit_ids,
    photo_bytes,
    poll,
    sha256,
    wait_for_empty_outbox,
    wait_for_outbox,
)
from tests.browser.conftest import sign_in


@pytest.fixture
def every_request(live_server):
    """The fault injector sees (and may fail) every request, pages and sign-out included."""
    live_server.faults.prefix = "/"
    yield live_server
    live_server.faults.rule = None
    live_server.faults.prefix = "/api/"


def kept_on_the_phone(page) -> list[dict]:
    """The outbox read straight from IndexedDB (a signed-out page loads no outbox code)."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const opening = indexedDB.open("dropin-outbox");
        opening.onerror = reject;
        opening.onsuccess = () => {
            const db = opening.result;
            const all = db.transaction("items").objectStore("items").getAll();
            all.onsuccess = () => {
                resolve(all.result.map((item) => ({ userId: item.userId, state: item.state })));
                db.close();
            };
        };
    })""")


def server_unreachable(live_server):
    """The Wi-Fi is up (no `offline` or `online` event) but nothing reaches the server."""
    live_server.faults.rule = lambda environ: "refuse"


def test_sign_out_with_the_server_out_of_reach_forgets_the_coach_at_once(coach, every_request):
    live_server = every_request
    before = demo_visit_ids()
    coach_id = db.session.scalar(sa.select(User.id).where(User.email == "coach@example.org"))
    server_unreachable(live_server)
    photo = photo_bytes(91)
    capture(coach, teacher="Tom Baker", photos=[photo], notes="Fractions on the board")

    coach.get_by_role("button", name="Sign out").click()
    coach.get_by_role("button", name="Sign out anyway").click()
    expect(coach.get_by_role("link", name="Sign in")).to_be_visible()
    expect(coach.get_by_role("button", name="Sign out")).to_have_count(0)

    # Every page asks for sign-in; nothing of the coach's is shown or kept.
    for path in ("/visits/new", "/outbox", "/visits", "/"):
        coach.goto(path)
        expect(coach.get_by_role("link", name="Sign in")).to_be_visible()
        assert "Tom Baker" not in coach.content()
        assert "Fractions" not in coach.content()
    personal = coach.evaluate(
        "caches.keys().then((names) => names.filter((n) => n.startsWith('dropin-user-')"
        " || n === 'dropin-device'))"
    )
    assert personal == []
    [item] = kept_on_the_phone(coach)  # the drop-in stays on the phone, tied to the coach
    assert item["userId"] == str(coach_id)

    seen_before = len(live_server.faults.seen)
    live_server.faults.rule = None  # the server is back
    coach.get_by_role("link", name="Sign in").click()
    expect(coach.get_by_role("heading", name="Sign in")).to_be_visible()

    # The sign-out reached the server before anything else was sent, and it held.
    after = live_server.faults.seen[seen_before:]
    assert ("POST", "/logout") in after
    assert not any(method == "PUT" for method, _ in after)
    coach.goto("/visits/new")
    expect(coach.get_by_role("heading", name="Sign in")).to_be_visible()
    assert Stored().new_visits(before) == []

    # The drop-in goes with its own coach, when they sign in again.
    sign_in(coach, "coach@example.org")
    wait_for_empty_outbox(coach)
    [visit] = assert_arrived(before, visits=1, photos=1, hashes=[sha256(photo)])
    assert visit.coach_id == coach_id


def test_sign_out_offline_then_another_person_does_not_send_the_coachs_drop_ins(
    coach, every_request
):
    live_server = every_request
    before = demo_visit_ids()
    coach.context.set_offline(True)
    capture(coach, teacher="Amara Okafor")
    coach.get_by_role("button", name="Sign out").click()
    coach.get_by_role("button", name="Sign out anyway").click()
    expect(coach.get_by_role("link", name="Sign in")).to_be_visible()
    coach.goto("/visits/new")
    expect(coach.get_by_role("link", name="Sign in")).to_be_visible()
    assert "Amara Okafor" not in coach.content()

    coach.context.set_offline(False)
    sign_in(coach, "head.riverside@example.org")
    assert ("POST", "/logout") in live_server.faults.seen
    coach.goto("/outbox")
    wait_for_outbox(coach, "items.length === 1 && items[0].state === 'needs-sign-in'")
    assert Stored().new_visits(before) == []


def kept_pages(page) -> list[str]:
    """The paths in the signed-in person's cache of pages kept for offline use."""
    return page.evaluate("""async () => {
        const names = (await caches.keys()).filter((n) => n.startsWith("dropin-user-"));
        const paths = [];
        for (const name of names) {
            for (const request of await (await caches.open(name)).keys()) {
                paths.push(new URL(request.url).pathname);
            }
        }
        return paths;
    }""")


def test_signing_in_again_keeps_the_capture_page_for_offline_at_once(coach):
    """A sign-out deletes the coach's kept pages; signing in again (the worker is the same
    one) keeps the capture page once more, without opening it: the next drop-in may be
    out of Wi-Fi."""
    assert "/visits/new" in kept_pages(coach)
    coach.get_by_role("button", name="Sign out").click()
    expect(coach.get_by_role("heading", name="Sign in")).to_be_visible()
    assert kept_pages(coach) == []

    sign_in(coach, "coach@example.org")  # lands on Drop-ins, not on the capture page
    expect(coach.get_by_role("heading", level=1)).to_have_text("Drop-ins")
    poll(
        coach,
        "caches.keys().then(async (names) => { for (const n of names) {"
        " if (n.startsWith('dropin-user-') && await (await caches.open(n)).match('/visits/new'))"
        " return true; } return false; })",
        message="the capture page was not kept again",
    )
    coach.context.set_offline(True)
    coach.goto("/visits/new")
    expect(coach.get_by_role("heading", level=1)).to_have_text("New drop-in")
    capture(coach, teacher="Amara Okafor")
    expect(coach.get_by_text("It syncs when the phone is online.")).to_be_visible()
