"""Issue 12, nothing waits for a tap: what was being sent when the page reloaded or the
browser closed goes again by itself; a stale CSRF token is replaced at once; a server
that comes back without an `online` event is noticed while anything waits."""

import time

from playwright.sync_api import expect

from tests.browser.capture.conftest import (
    assert_arrived,
    capture,
    demo_visit_ids,
    open_capture_page,
    photo_bytes,
    poll,
    sha256,
    wait_for_empty_outbox,
    wait_for_outbox,
)
from tests.browser.conftest import sign_in

#: The phone's first retry waits 30 to 60 s: longer than these tests wait.
SLOW_RETRY_BASE_MS = 60_000


class HoldFirstVisit:
    """A fault: the server refuses every /api/ request until `hold()`; then it holds the
    next visit PUT for `seconds`, stores it and answers a browser that has gone by then
    (the visit half-sent); after that it serves normally."""

    def __init__(self, seconds: float = 3):
        self.seconds = seconds
        self.holding = False
        self.held = []

    def hold(self):
        self.holding = True

    def __call__(self, environ):
        if not self.holding:
            return "refuse"
        is_visit_put = environ["REQUEST_METHOD"] == "PUT" and "/photos/" not in environ["PATH_INFO"]
        if is_visit_put and not self.held:
            self.held.append(environ["PATH_INFO"])
            time.sleep(self.seconds)
            return "drop-answer"
        return None


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def failed_once_then_sending(page, live_server, photos) -> HoldFirstVisit:
    """A capture that failed once (its next try is far off), then is being sent when the
    Wi-Fi comes back (the `online` event sends at once), its answer held by the server."""
    fault = HoldFirstVisit()
    live_server.faults.rule = fault
    capture(page, photos=photos)
    wait_for_outbox(page, "items.length === 1 && items[0].attempts === 1")
    page.context.set_offline(True)
    fault.hold()
    page.context.set_offline(False)
    wait_until(lambda: fault.held)
    return fault


def test_an_item_being_sent_when_the_page_reloads_goes_again_by_itself(coach, live_server):
    live_server.app.config["SYNC_RETRY_BASE_MS"] = SLOW_RETRY_BASE_MS
    coach.reload()
    before = demo_visit_ids()
    photos = [photo_bytes(71), photo_bytes(72)]
    failed_once_then_sending(coach, live_server, photos)

    coach.reload()  # while the visit is on its way
    expect(coach.get_by_role("heading", name="New drop-in")).to_be_visible()

    wait_for_empty_outbox(coach, timeout=20_000)  # nobody taps anything
    assert_arrived(before, visits=1, photos=2, hashes=[sha256(p) for p in photos])


def test_an_item_being_sent_when_the_browser_closes_goes_again_by_itself(
    demo, persistent_phone, live_server
):
    live_server.app.config["SYNC_RETRY_BASE_MS"] = SLOW_RETRY_BASE_MS
    context, page = persistent_phone()
    sign_in(page, "coach@example.org", remember=True)
    open_capture_page(page)
    before = demo_visit_ids()
    photos = [photo_bytes(73), photo_bytes(74), photo_bytes(75)]
    failed_once_then_sending(page, live_server, photos)
    context.close()

    context, page = persistent_phone()
    page.goto("/visits/new")
    expect(page.get_by_role("heading", name="New drop-in")).to_be_visible()
    wait_for_empty_outbox(page, timeout=20_000)
    assert_arrived(before, visits=1, photos=3, hashes=[sha256(p) for p in photos])


#: What the server answers when the token belongs to another session (Flask-WTF's words).
CSRF_MISMATCH = (
    "400 BAD REQUEST",
    b'{"error": "Your session form has expired. Reload the page and try again.",'
    b' "errors": {"csrf_token": ["The CSRF tokens do not match."]}}',
    "application/json",
)


def test_a_stale_csrf_token_is_replaced_and_the_item_sent_at_once(coach, live_server):
    """After a browser restart the service worker and the page may each start a session
    from the remember-me cookie: the first token fetched can belong to the other one."""
    live_server.app.config["SYNC_RETRY_BASE_MS"] = SLOW_RETRY_BASE_MS
    coach.reload()
    before = demo_visit_ids()
    live_server.faults.faults.append(CSRF_MISMATCH)
    photo = photo_bytes(76)
    capture(coach, photos=[photo])
    wait_for_empty_outbox(coach, timeout=20_000)  # not 30 to 60 s later
    assert_arrived(before, visits=1, photos=1, hashes=[sha256(photo)])
    assert live_server.faults.faults == []  # the mismatch was met


def session_checks(live_server) -> int:
    return sum(1 for request in live_server.faults.seen if request[1] == "/capture/session")


def test_ten_drop_ins_from_an_outage_arrive_without_an_online_event(coach, live_server):
    """The Wi-Fi stays up while the server is unreachable, through several Wi-Fi
    reconnections: when the server is back no `online` event comes, and the phone's own
    checks (at most a few seconds apart here, 30 to 60 s in production) deliver."""
    live_server.app.config["SYNC_MAX_DELAY_MS"] = 2000
    coach.reload()
    before = demo_visit_ids()
    live_server.faults.prefix = "/"  # the server is unreachable: pages, session, API
    live_server.faults.rule = lambda environ: "refuse"
    try:
        teachers = ["Tom Baker", "Amara Okafor", "Dan Lewis"]
        photos = {0: photo_bytes(80), 5: photo_bytes(85)}
        for index in range(10):
            extra = {"photos": [photos[index]]} if index in photos else {}
            capture(coach, teacher=teachers[index % 3], notes=f"Drop-in {index}", **extra)
        for _ in range(12):  # each reconnection sends at once, and fails
            checks = session_checks(live_server)
            coach.context.set_offline(True)
            coach.context.set_offline(False)
            wait_until(lambda checks=checks: session_checks(live_server) > checks)
            poll(coach, "navigator.locks.query().then((locks) => locks.held.length === 0)")
        live_server.faults.rule = None  # the server is back: no event tells the phone
        wait_for_empty_outbox(coach, timeout=30_000)
    finally:
        live_server.faults.prefix = "/api/"
    assert_arrived(before, visits=10, photos=2, hashes=[sha256(p) for p in photos.values()])
