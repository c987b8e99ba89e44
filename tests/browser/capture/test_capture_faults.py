"""Scenarios 3, 4, 6, 7 and 10: the network is up but the server fails. The browser
believes it is online, so only the app's own retry timer delivers."""

import random
import re
from datetime import date, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import CoachingPair, User
from tests.browser.capture.conftest import (
    Stored,
    assert_arrived,
    capture,
    demo_visit_ids,
    outbox_items,
    photo_bytes,
    sha256,
    wait_for_empty_outbox,
    wait_for_outbox,
)
from tests.browser.conftest import assert_accessible

SERVER_ERROR = (
    "500 INTERNAL SERVER ERROR",
    b'{"error": "Something went wrong"}',
    "application/json",
)


def test_server_saves_then_drops_the_answer_the_first_time(coach, live_server):
    before = demo_visit_ids()
    dropped = set()

    def drop_first_answer(environ):
        request = (environ["REQUEST_METHOD"], environ["PATH_INFO"])
        if request[0] == "PUT" and request not in dropped:
            dropped.add(request)
            return "drop-answer"
        return None

    live_server.faults.rule = drop_first_answer
    photos = [photo_bytes(60), photo_bytes(61)]
    capture(coach, photos=photos)
    wait_for_empty_outbox(coach)
    assert len(dropped) == 3  # the visit and each photo were saved, their answers lost
    assert_arrived(before, visits=1, photos=2, hashes=[sha256(p) for p in photos])


def test_server_answers_500_twice_then_201(coach, live_server):
    before = demo_visit_ids()
    live_server.faults.faults.extend([SERVER_ERROR, SERVER_ERROR])
    photo = photo_bytes(62)
    capture(coach, photos=[photo])
    wait_for_empty_outbox(coach)
    visit_puts = [
        path
        for method, path in live_server.faults.seen
        if method == "PUT" and "/photos/" not in path
    ]
    assert len(visit_puts) >= 3
    assert_arrived(before, visits=1, photos=1, hashes=[sha256(photo)])


def test_captive_portal_html_or_a_foreign_json_answer_is_never_sent(coach, live_server):
    before = demo_visit_ids()
    portal = ("200 OK", b"<!doctype html><title>Wi-Fi</title><p>Accept the terms", "text/html")
    live_server.faults.rule = lambda environ: portal
    photo = photo_bytes(63)
    capture(coach, photos=[photo])
    wait_for_outbox(coach, "items.length === 1 && items[0].attempts >= 3")
    [item] = outbox_items(coach)
    assert item["state"] == "pending" and "Wi-Fi" in item["lastError"]

    live_server.faults.rule = lambda environ: ("200 OK", b'{"ok": true}', "application/json")
    wait_for_outbox(coach, "items.length === 1 && items[0].attempts >= 5")
    assert Stored().new_visits(before) == []

    live_server.faults.rule = None
    wait_for_empty_outbox(coach)
    assert_arrived(before, visits=1, photos=1, hashes=[sha256(photo)])


def test_refused_capture_shows_the_reason_and_can_be_fixed_and_resent(coach):
    before = demo_visit_ids()
    coach.context.set_offline(True)
    photo = photo_bytes(64)
    capture(coach, teacher="Tom Baker", photos=[photo])
    # Meanwhile the coaching pair ends: the server will refuse the visit (422).
    tom = db.session.scalar(sa.select(User).where(User.email == "teacher@example.org"))
    db.session.execute(
        sa.update(CoachingPair)
        .where(CoachingPair.teacher_id == tom.id)
        .values(until=date.today() - timedelta(days=1))
    )
    db.session.commit()

    coach.context.set_offline(False)
    wait_for_outbox(coach, "items.length === 1 && items[0].state === 'needs-attention'")
    coach.goto("/outbox")
    expect(coach.get_by_text("You cannot write a visit for this teacher")).to_be_visible()
    expect(coach.get_by_role("link", name="1 needs attention")).to_be_visible()
    assert_accessible(coach, "outbox-needs-attention-phone")
    assert Stored().new_visits(before) == []

    coach.get_by_role("link", name=re.compile(r"^Fix")).click()
    expect(coach.get_by_role("heading", name="Fix this drop-in")).to_be_visible()
    expect(coach.get_by_role("alert")).to_contain_text("cannot write a visit for this teacher")
    expect(coach.locator("[data-photo-list] li")).to_have_count(1)
    coach.get_by_label("Teacher").select_option(label="Amara Okafor · Riverside Primary")
    coach.get_by_role("button", name="Save").click()
    expect(coach).to_have_url(re.compile(r"/outbox$"))

    wait_for_empty_outbox(coach)
    [visit] = assert_arrived(before, visits=1, photos=1, hashes=[sha256(photo)])
    assert visit.teacher.email == "amara.okafor@example.org"
    assert visit.captured_offline is True  # the fix keeps how and when it was captured
    assert visit.duration_minutes <= 2


def test_twenty_visits_with_three_photos_through_a_flaky_network(coach, live_server):
    before = demo_visit_ids()
    rng = random.Random(2026)
    failures = [
        "refuse",
        "reset",
        "drop-answer",
        SERVER_ERROR,
        ("502 BAD GATEWAY", b"<html>Bad gateway</html>", "text/html"),
    ]
    live_server.faults.rule = lambda environ: rng.choice(failures) if rng.random() < 1 / 3 else None
    teachers = ["Tom Baker", "Amara Okafor", "Dan Lewis"]
    photos = [[photo_bytes(100 + 3 * n + k, size=(320, 240)) for k in range(3)] for n in range(20)]

    for number in range(20):
        capture(
            coach,
            teacher=teachers[number % 3],
            photos=photos[number],
            notes=f"Drop-in number {number}",
        )

    wait_for_empty_outbox(coach, timeout=120_000)
    assert_arrived(
        before, visits=20, photos=60, hashes=[sha256(p) for visit in photos for p in visit]
    )
    delays = coach.evaluate(
        "[...Array(60).keys()].map((n) => Dropin.sync.backoffDelay(n + 1, 5000))"
    )
    assert max(delays) <= 60 * 1000  # while anything waits, a check at least every minute
    assert delays[-1] >= 30 * 1000  # the cap is reached, with jitter below it


def test_a_refused_capture_is_discarded_only_when_the_coach_confirms(coach, live_server):
    before = demo_visit_ids()
    refusal = (
        "422 UNPROCESSABLE ENTITY",
        b'{"error": "Some fields need attention.", "errors": {"notes": ["Too long."]}}',
        "application/json",
    )
    live_server.faults.faults.append(refusal)
    capture(coach, photos=[photo_bytes(65)])
    wait_for_outbox(coach, "items.length === 1 && items[0].state === 'needs-attention'")
    coach.goto("/outbox")
    expect(coach.get_by_text("Notes: Too long.")).to_be_visible()

    coach.get_by_role("button", name="Discard").click()
    coach.get_by_role("button", name="Keep it").click()
    expect(coach.get_by_role("dialog")).to_have_count(0)
    assert len(outbox_items(coach)) == 1

    coach.get_by_role("button", name="Discard").click()
    expect(coach.get_by_role("dialog")).to_contain_text("never reaches the server")
    coach.get_by_role("button", name="Discard it").click()
    wait_for_empty_outbox(coach)
    assert coach.evaluate("Dropin.outbox.recentlySent().then((r) => r.length)") == 0
    expect(coach.get_by_role("link", name="All synced")).to_be_visible()
    assert Stored().new_visits(before) == []
    assert Stored().photos == []
