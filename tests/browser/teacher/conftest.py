"""Fixtures for the teacher's pages: the tablet held in landscape too."""

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TABLET, _page

TABLET_LANDSCAPE = {**TABLET, "viewport": {"width": 1180, "height": 820}}


@pytest.fixture
def tablet_landscape(browser, base_url):
    context, page = _page(browser, base_url, TABLET_LANDSCAPE)
    yield page
    context.close()


def coach_sends_a_visit(
    page, teacher_email: str, step_text: str, notes: str = "", photos: tuple[bytes, ...] = ()
) -> tuple[str, list[str]]:
    """As the coach signed in on `page`: PUT a visit and its photos through the sync API,
    as the capture page's outbox does. Returns the visit's id and the photo ids."""
    me = page.request.get("/api/v1/me").json()
    teacher_id = next(t["id"] for t in me["teachers"] if t["email"] == teacher_email)
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    visit_id = str(uuid.uuid4())
    photo_ids = [str(uuid.uuid4()) for _ in photos]
    body = {
        "teacher_id": teacher_id,
        "started_at": (datetime.now(UTC) - timedelta(minutes=15)).isoformat(),
        "duration_minutes": 10,
        "class_name": "Year 5",
        "subject": "Science",
        "notes": notes,
        "action_step": {"text": step_text, "library_step_id": None},
        "photo_ids": photo_ids,
    }
    response = page.request.put(
        f"/api/v1/visits/{visit_id}", data=body, headers={"X-CSRFToken": token}
    )
    assert response.status == 201, response.text()
    for photo_id, data in zip(photo_ids, photos, strict=True):
        response = page.request.put(
            f"/api/v1/visits/{visit_id}/photos/{photo_id}",
            data=data,
            headers={"X-CSRFToken": token, "Content-Type": "image/jpeg"},
        )
        assert response.status == 201, response.text()
    return visit_id, photo_ids


def poll(page, js: str, timeout: float = 15_000, message: str = ""):
    """Evaluate `js` (an expression, may be a promise) until it is truthy (the app's CSP
    forbids the eval that page.wait_for_function needs)."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(js):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message or js}")
        page.wait_for_timeout(100)


def wait_until_kept_for_offline(page):
    """The worker controls the page and has kept it (and its photos) for this person."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    poll(page, "navigator.serviceWorker.controller !== null", message="a controlling worker")
    expect(page.get_by_text("Kept on this tablet")).to_be_visible()
